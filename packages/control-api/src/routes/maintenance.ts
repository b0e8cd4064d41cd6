// Maintenance mode: inbound callers hear a short message, outbound calling pauses.
import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole, ADMINS, READERS } from '../auth/guard.js';
import { audit } from '../audit.js';
import { DEFAULT_MAINTENANCE_MESSAGE } from '../store/types.js';
import { bearerSecurity } from './schemas.js';
import type { AppContext } from '../context.js';

const stateSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    message: { type: 'string' },
    updated_by: { type: ['string', 'null'] },
    updated_at: { type: ['string', 'null'] },
  },
} as const;

/** Registers /api/v1/maintenance. */
export function maintenanceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const base = { tags: ['maintenance'], security: bearerSecurity };

  app.get(
    '/api/v1/maintenance',
    { onRequest: requireRole(ctx, READERS), schema: { ...base, response: { 200: stateSchema } } },
    async () => ctx.store.getMaintenance(),
  );

  app.put<{ Body: { enabled: boolean; message?: string } }>(
    '/api/v1/maintenance',
    {
      onRequest: requireRole(ctx, ADMINS),
      schema: {
        ...base,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled'],
          properties: {
            enabled: { type: 'boolean' },
            message: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 200: stateSchema },
      },
    },
    async (request) => {
      const state = await ctx.store.setMaintenance({
        enabled: request.body.enabled,
        message: request.body.message ?? DEFAULT_MAINTENANCE_MESSAGE,
        updated_by: actorOf(request),
      });
      await audit(ctx, request, 'update', 'maintenance', null, { enabled: state.enabled });
      ctx.log.warn({ enabled: state.enabled, by: state.updated_by }, 'maintenance mode changed');

      return state;
    },
  );
}
