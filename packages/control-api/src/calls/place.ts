// Placing an outbound call: the checks (maintenance, do-not-call, consent, calling window),
// the call record, and Twilio's Calls API.
import { ApiError, notFound } from '../errors.js';
import { TwilioError } from '../twilio/rest-client.js';
import { callStatusRank, isCallStatus, type CallRecord, type CallStatus } from '../store/types.js';
import { formatMinute, insideCallingWindow } from './window.js';
import type { AppContext } from '../context.js';

/** URLs Twilio calls back for one call. */
export function callUrls(ctx: AppContext, callId: string) {
  const base = ctx.publicBaseUrl();
  const id = encodeURIComponent(callId);

  return {
    twimlUrl: `${base}/api/v1/calls/${id}/twiml`,
    // The call id rides along: the first callback can arrive before Twilio's create answer
    // gives us the CallSid.
    statusCallback: `${base}/api/v1/calls/status/webhook?callId=${id}`,
  };
}

/** Places an outbound call to a lead; refuses what must not be called. */
export async function placeOutboundCall(
  ctx: AppContext,
  leadId: string,
  createdBy: string,
  now = new Date(),
): Promise<CallRecord> {
  const maintenance = await ctx.store.getMaintenance();
  if (maintenance.enabled) {
    throw new ApiError(503, 'maintenance_mode', 'outbound calling is paused for maintenance', {
      retryable: true,
    });
  }

  const lead = await ctx.store.getLead(leadId);
  if (!lead) throw notFound('lead', leadId);
  if (lead.do_not_call)
    throw new ApiError(409, 'lead_do_not_call', 'lead is on the do-not-call list', {
      field: 'body.lead_id',
    });
  if (!lead.consent)
    throw new ApiError(409, 'lead_without_consent', 'lead has not consented to calls', {
      field: 'body.lead_id',
    });

  const window = ctx.config.callingWindow;
  // `||`, not `??`: an empty zone stored before the API refused it means "the default zone".
  const timeZone = lead.time_zone || ctx.config.defaultTimeZone;
  if (!insideCallingWindow(window, now, timeZone)) {
    const span = `${formatMinute(window.startMinute)}-${formatMinute(window.endMinute)}`;
    throw new ApiError(
      409,
      'outside_calling_window',
      `calls are allowed ${span} ${timeZone} only`,
      { retryable: true },
    );
  }

  const call = await ctx.store.createCall({
    lead_id: lead.id,
    direction: 'outbound',
    status: 'queued',
    from_number: ctx.config.twilio.fromNumber,
    to_number: lead.phone,
    language: lead.language,
    created_by: createdBy,
  });
  const log = ctx.log.child({ callId: call.id, leadId: lead.id });

  try {
    const urls = callUrls(ctx, call.id);
    const twilioCall = await ctx.twilio.createCall({
      to: lead.phone,
      from: ctx.config.twilio.fromNumber,
      url: urls.twimlUrl,
      statusCallback: urls.statusCallback,
    });
    // Twilio statuses we store as they are; anything else is kept as `queued`.
    const status: CallStatus = isCallStatus(twilioCall.status) ? twilioCall.status : 'queued';
    const updated = await ctx.store.updateCall(call.id, { twilio_sid: twilioCall.sid, status });
    log.info({ callSid: twilioCall.sid }, 'outbound call placed');

    return updated?.call ?? call;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = await ctx.store.updateCall(call.id, { status: 'failed', error: message });
    if (failed && callStatusRank(failed.previousStatus) < 4) {
      ctx.metrics.callsTotal.inc({ direction: 'outbound', status: 'failed' });
      ctx.metrics.callsFailed.inc({ direction: 'outbound', status: 'failed' });
    }
    log.warn({ err: error }, 'outbound call not placed');

    if (error instanceof TwilioError) {
      throw new ApiError(502, 'twilio_error', `Twilio refused the call: ${message}`, {
        retryable: error.retryable,
        cause: error,
      });
    }
    throw error;
  }
}
