// The media core's side: call context at stream start, call events (exactly once by id),
// hand-off requests. Authenticated with the service token.
import type { FastifyInstance } from 'fastify';
import { requireService } from '../auth/guard.js';
import { startHandoff } from '../calls/handoff.js';
import { callerConfidence, effectOf } from '../calls/events.js';
import { notFound } from '../errors.js';
import { LEAD_STATUSES } from '../leads/fields.js';
import { countFinishedCall } from '../metrics.js';
import {
  CALL_EVENT_TYPES,
  callStatusRank,
  type CallEvent,
  type CallRecord,
  type LeadStatus,
} from '../store/types.js';
import { handoffBody } from './calls.js';
import type { AppContext } from '../context.js';

const callIdParams = {
  type: 'object',
  required: ['callId'],
  properties: { callId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

const eventsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'type', 'at', 'payload'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 200 },
          type: { type: 'string', enum: CALL_EVENT_TYPES },
          at: { type: 'string', format: 'date-time' },
          payload: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

/** What an accepted outcome means for the lead: its status, and the checklist when qualified. */
async function applyOutcome(ctx: AppContext, call: CallRecord, outcome: Record<string, unknown>) {
  const status = outcome['status'];
  const qualified = outcome['qualified'] === true || status === 'qualified';
  const leadStatus = qualified
    ? 'qualified'
    : typeof status === 'string' && (LEAD_STATUSES as readonly string[]).includes(status)
      ? (status as LeadStatus)
      : undefined;
  if (!leadStatus) return;

  const lead = await ctx.store.updateLead(call.lead_id, { status: leadStatus });
  if (lead && qualified) ctx.notifier.sendChecklistLater(lead, call);
}

/** Registers /internal/v1 routes. */
export function internalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = requireService(ctx);
  const base = { tags: ['internal'], params: callIdParams };
  const config = { rateLimit: false } as const;

  app.get<{ Params: { callId: string } }>(
    '/internal/v1/calls/:callId/context',
    { onRequest: service, config, schema: base },
    async (request) => {
      const call = await ctx.store.getCall(request.params.callId);
      if (!call) throw notFound('call', request.params.callId);

      const lead = await ctx.store.getLead(call.lead_id);
      if (!lead) throw notFound('lead', call.lead_id);

      return {
        call_id: call.id,
        lead_id: lead.id,
        language: call.language,
        direction: call.direction,
        lead: {
          id: lead.id,
          name: lead.name,
          language: lead.language,
          ...(lead.loan_type ? { loan_type: lead.loan_type } : {}),
        },
      };
    },
  );

  app.post<{ Params: { callId: string }; Body: { events: CallEvent[] } }>(
    '/internal/v1/calls/:callId/events',
    { onRequest: service, config, schema: { ...base, body: eventsBody } },
    async (request) => {
      const callId = request.params.callId;
      const before = await ctx.store.getCall(callId);
      if (!before) throw notFound('call', callId);

      const events = request.body.events.map((event) => ({
        event,
        effect: effectOf(callId, event),
      }));
      const result = await ctx.store.recordCallEvents(callId, events);

      // Metrics and follow-ups only for first deliveries, so redelivery changes nothing.
      for (const event of result.accepted) {
        const confidence = callerConfidence(event);
        if (confidence !== null) ctx.metrics.asrConfidence.observe(confidence);
      }
      const after = (await ctx.store.getCall(callId)) ?? before;
      if (callStatusRank(before.status) < 4 && callStatusRank(after.status) === 4) {
        countFinishedCall(ctx.metrics, after);
      }
      const outcome = result.accepted.filter((event) => event.type === 'outcome').pop();
      if (outcome) await applyOutcome(ctx, after, outcome.payload);

      return { accepted: result.accepted.length, duplicates: result.duplicates };
    },
  );

  app.post<{ Params: { callId: string }; Body: { reason: string } }>(
    '/internal/v1/calls/:callId/handoff',
    { onRequest: service, config, schema: { ...base, body: handoffBody } },
    async (request, reply) => {
      const handoff = await startHandoff(
        ctx,
        request.params.callId,
        request.body.reason,
        'media-core',
      );
      return reply.status(202).send(handoff);
    },
  );
}
