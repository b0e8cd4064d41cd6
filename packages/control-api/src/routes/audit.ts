// The audit log, for admins.
import type { FastifyInstance } from 'fastify';
import { requireRole, ADMINS } from '../auth/guard.js';
import { bearerSecurity, pageQueryProperties } from './schemas.js';
import type { AppContext } from '../context.js';

/** Registers /api/v1/audit. */
export function auditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/audit',
    {
      onRequest: requireRole(ctx, ADMINS),
      schema: {
        tags: ['audit'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: pageQueryProperties,
        },
      },
    },
    async (request) => ctx.store.listAudit(request.query.limit, request.query.cursor),
  );
}
