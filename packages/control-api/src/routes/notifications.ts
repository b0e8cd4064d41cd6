// Notifications: a test send (the runbook's check of the provider) and the list of sends.
import type { FastifyInstance } from 'fastify';
import { requireRole, OPERATORS, READERS } from '../auth/guard.js';
import { audit } from '../audit.js';
import { ApiError, invalidField } from '../errors.js';
import { normalizePhone } from '../leads/phone.js';
import { bearerSecurity } from './schemas.js';
import type { AppContext } from '../context.js';

interface TestBody {
  channel: 'whatsapp' | 'sms';
  destination: string;
  template?: string;
  params?: string[];
  text?: string;
}

/** Registers /api/v1/notifications routes. */
export function notificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const base = { tags: ['notifications'], security: bearerSecurity };

  app.post<{ Body: TestBody }>(
    '/api/v1/notifications/test',
    {
      onRequest: requireRole(ctx, OPERATORS),
      schema: {
        ...base,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['channel', 'destination'],
          properties: {
            channel: { type: 'string', enum: ['whatsapp', 'sms'] },
            destination: { type: 'string', minLength: 3, maxLength: 32 },
            template: { type: 'string', minLength: 1, maxLength: 100 },
            params: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 500 } },
            text: { type: 'string', minLength: 1, maxLength: 1000 },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const destination = normalizePhone(body.destination, ctx.config.defaultCountryCode);
      if (!destination.ok)
        throw invalidField('body.destination', `must be a phone number (${destination.problem})`);
      if (body.channel === 'sms' && !body.text)
        throw invalidField('body.text', 'is required for sms');

      const record = await ctx.notifier.send({
        channel: body.channel,
        destination: destination.e164,
        template: body.template ?? (body.text ? undefined : ctx.config.notify.checklistTemplate),
        params: body.params,
        text: body.text,
      });
      await audit(ctx, request, 'notify_test', 'notification', record.id, {
        channel: body.channel,
      });
      if (record.status === 'failed') {
        throw new ApiError(502, 'notification_failed', record.error ?? 'provider refused', {
          retryable: false,
        });
      }

      return reply.status(record.status === 'sent' ? 201 : 200).send(record);
    },
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/notifications',
    {
      onRequest: requireRole(ctx, READERS),
      schema: {
        ...base,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        },
      },
    },
    async (request) => ({ items: await ctx.store.listNotifications(request.query.limit) }),
  );
}
