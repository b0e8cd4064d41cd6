// The audit log: every write, and every read of a person's data, with who did it.
import type { FastifyRequest } from 'fastify';
import { actorOf } from './auth/guard.js';
import type { AppContext } from './context.js';

/** Records one audited action by the request's principal. */
export async function audit(
  ctx: AppContext,
  request: FastifyRequest,
  action: string,
  resource: string,
  resourceId: string | null,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  await ctx.store.appendAudit({
    actor: actorOf(request),
    action,
    resource,
    resource_id: resourceId,
    detail,
  });
}
