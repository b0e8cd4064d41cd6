// `/health` (store state) and `/metrics` (Prometheus): no token, no rate limit.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Registers /health and /metrics. */
export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const open = { rateLimit: false } as const;

  app.get('/health', { config: open, schema: { hide: true } }, async (_request, reply) => {
    const storeUp = await ctx.store.ping().catch(() => false);
    ctx.metrics.storeUp.set(storeUp ? 1 : 0);

    return reply.status(storeUp ? 200 : 503).send({
      status: storeUp ? 'ok' : 'degraded',
      store: { kind: ctx.store.kind, up: storeUp },
    });
  });

  app.get('/metrics', { config: open, schema: { hide: true } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(body);
  });
}
