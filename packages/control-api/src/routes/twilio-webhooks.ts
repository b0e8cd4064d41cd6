// Twilio webhooks (form-encoded, signed): inbound calls, outbound TwiML, status callbacks and
// the hand-off leg's action callback. No token: the X-Twilio-Signature is the credential.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors.js';
import { normalizePhone } from '../leads/phone.js';
import { countFinishedCall } from '../metrics.js';
import { validTwilioSignature, type FormParams } from '../twilio/signature.js';
import { sayAndHangupTwiml, streamTwiml } from '../twilio/twiml.js';
import {
  TERMINAL_CALL_STATUSES,
  callStatusRank,
  isCallStatus,
  type CallRecord,
  type CallStatus,
} from '../store/types.js';
import type { AppContext } from '../context.js';

/** Statuses Twilio sends that we map: `answered` is the event name of `in-progress`. */
function statusOf(raw: string | undefined): CallStatus | undefined {
  if (raw === 'answered') return 'in-progress';

  return raw && isCallStatus(raw) ? raw : undefined;
}

const single = (value: unknown): string | undefined =>
  Array.isArray(value)
    ? (value[0] as string | undefined)
    : typeof value === 'string'
      ? value
      : undefined;

/** A Twilio form body; any field may be absent. */
type TwilioForm = Record<string, string | string[] | undefined>;

/** The stream TwiML for a call: the media core gets callId, leadId and language. */
export function callStreamTwiml(ctx: AppContext, call: CallRecord): string {
  return streamTwiml(ctx.config.mediaPublicUrl, {
    callId: call.id,
    leadId: call.lead_id,
    language: call.language,
  });
}

function sendTwiml(reply: FastifyReply, twiml: string): FastifyReply {
  return reply.type('text/xml; charset=utf-8').send(twiml);
}

/** Registers the webhook routes. */
export function twilioWebhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Checked before body validation, so an unsigned request learns nothing about the schema.
  const verifySignature = async (request: FastifyRequest) => {
    const authToken = ctx.config.twilio.authToken;
    if (!authToken) return;

    const url = ctx.publicBaseUrl() + request.url;
    const signature = single(request.headers['x-twilio-signature']);
    const params = (request.body ?? {}) as FormParams;
    if (!validTwilioSignature(authToken, url, params, signature)) {
      ctx.metrics.authFailures.inc({ reason: 'twilio_signature' });
      throw new ApiError(
        403,
        'invalid_signature',
        'X-Twilio-Signature is missing or does not match',
      );
    }
  };
  const options = {
    preValidation: verifySignature,
    config: { rateLimit: false },
    schema: { tags: ['twilio webhooks'], consumes: ['application/x-www-form-urlencoded'] },
  } as const;

  app.post<{ Body: TwilioForm }>(
    '/api/v1/calls/inbound/webhook',
    options,
    async (request, reply) => {
      const maintenance = await ctx.store.getMaintenance();
      if (maintenance.enabled) return sendTwiml(reply, sayAndHangupTwiml(maintenance.message));

      const callSid = single(request.body?.['CallSid']);
      const from = normalizePhone(
        single(request.body?.['From']) ?? '',
        ctx.config.defaultCountryCode,
      );
      if (!callSid)
        throw new ApiError(400, 'validation_failed', 'body.CallSid is required', {
          field: 'body.CallSid',
        });
      // Limit: withheld or malformed caller ids cannot be matched to a lead, so they hear a
      // short message instead of the agent.
      if (!from.ok) {
        return sendTwiml(
          reply,
          sayAndHangupTwiml('Sorry, we cannot take calls from a withheld number.'),
        );
      }

      const known = await ctx.store.findCallByTwilioSid(callSid);
      if (known) return sendTwiml(reply, callStreamTwiml(ctx, known));

      const lead =
        (await ctx.store.findLeadByPhone(from.e164)) ??
        (await ctx.store
          .createLead({ name: 'Inbound caller', phone: from.e164, source: 'inbound' })
          .catch(
            // Two webhooks for one new number at once: the loser reads what the winner wrote.
            async () => ctx.store.findLeadByPhone(from.e164),
          ));
      if (!lead) throw new ApiError(500, 'internal_error', 'lead could not be created');

      const to = single(request.body?.['To']) ?? ctx.config.twilio.fromNumber;
      const call = await ctx.store.createCall({
        lead_id: lead.id,
        direction: 'inbound',
        status: 'in-progress',
        twilio_sid: callSid,
        from_number: from.e164,
        to_number: to,
        language: lead.language,
        created_by: 'twilio',
        started_at: new Date().toISOString(),
      });
      await ctx.store.appendAudit({
        actor: 'twilio',
        action: 'create',
        resource: 'call',
        resource_id: call.id,
        detail: { direction: 'inbound' },
      });
      ctx.log.info({ callId: call.id, callSid, leadId: lead.id }, 'inbound call answered');

      return sendTwiml(reply, callStreamTwiml(ctx, call));
    },
  );

  app.post<{ Params: { id: string }; Body: TwilioForm }>(
    '/api/v1/calls/:id/twiml',
    options,
    async (request, reply) => {
      const call = await ctx.store.getCall(request.params.id);
      if (!call) throw notFound('call', request.params.id);

      const maintenance = await ctx.store.getMaintenance();
      if (maintenance.enabled) return sendTwiml(reply, sayAndHangupTwiml(maintenance.message));

      const callSid = single(request.body?.['CallSid']);
      const updated = await ctx.store.updateCall(call.id, {
        status: 'in-progress',
        started_at: call.started_at ?? new Date().toISOString(),
        ...(callSid && !call.twilio_sid ? { twilio_sid: callSid } : {}),
      });

      return sendTwiml(reply, callStreamTwiml(ctx, updated?.call ?? call));
    },
  );

  app.post<{ Body: TwilioForm; Querystring: { callId?: string } }>(
    '/api/v1/calls/status/webhook',
    options,
    async (request, reply) => {
      const callSid = single(request.body?.['CallSid']);
      const status = statusOf(single(request.body?.['CallStatus']));
      if (!status)
        throw new ApiError(
          400,
          'validation_failed',
          'body.CallStatus must be a Twilio call status',
          { field: 'body.CallStatus' },
        );

      const call =
        (request.query.callId ? await ctx.store.getCall(request.query.callId) : null) ??
        (callSid ? await ctx.store.findCallByTwilioSid(callSid) : null);
      if (!call) throw notFound('call', request.query.callId ?? callSid ?? '?');

      const duration = Number(single(request.body?.['CallDuration']));
      const terminal = TERMINAL_CALL_STATUSES.has(status);
      const result = await ctx.store.updateCall(call.id, {
        status,
        ...(callSid && !call.twilio_sid ? { twilio_sid: callSid } : {}),
        ...(Number.isFinite(duration) && terminal ? { duration_s: Math.round(duration) } : {}),
        ...(terminal && !call.ended_at ? { ended_at: new Date().toISOString() } : {}),
      });
      if (result && terminal && callStatusRank(result.previousStatus) < 4) {
        countFinishedCall(ctx.metrics, result.call);
        ctx.log.info({ callId: call.id, status, durationS: result.call.duration_s }, 'call ended');
      }

      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: TwilioForm; Querystring: { handoffId?: string } }>(
    '/api/v1/calls/:id/handoff/webhook',
    options,
    async (request, reply) => {
      const handoffId = request.query.handoffId;
      if (!handoffId)
        throw new ApiError(400, 'validation_failed', 'query.handoffId is required', {
          field: 'query.handoffId',
        });

      // <Dial action> posts DialCallStatus/DialCallDuration; <Enqueue action> posts QueueResult.
      const status =
        single(request.body?.['DialCallStatus']) ??
        single(request.body?.['QueueResult']) ??
        'completed';
      const duration = Number(
        single(request.body?.['DialCallDuration']) ?? single(request.body?.['QueueTime']),
      );
      const handoff = await ctx.store.updateHandoff(handoffId, {
        status,
        ended_at: new Date().toISOString(),
        duration_s: Number.isFinite(duration) ? Math.round(duration) : null,
      });
      if (!handoff) throw notFound('handoff', handoffId);

      ctx.log.info({ callId: request.params.id, handoffId, status }, 'hand-off ended');
      return sendTwiml(
        reply,
        '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>',
      );
    },
  );
}
