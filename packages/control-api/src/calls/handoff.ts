// Hand-off: redirect a live call with TwiML that dials the agent number or enqueues the
// caller, and record who asked, why, when and how it ended.
import { ApiError, notFound } from '../errors.js';
import { handoffTwiml } from '../twilio/twiml.js';
import { TERMINAL_CALL_STATUSES, type HandoffRecord } from '../store/types.js';
import type { AppContext } from '../context.js';

/** Hands a live call to a person; answers the recorded hand-off (status `dialing` or
 *  `failed`), throwing 502 when Twilio refused. */
export async function startHandoff(
  ctx: AppContext,
  callId: string,
  reason: string,
  requestedBy: string,
): Promise<HandoffRecord> {
  const call = await ctx.store.getCall(callId);
  if (!call) throw notFound('call', callId);
  if (TERMINAL_CALL_STATUSES.has(call.status) || !call.twilio_sid) {
    throw new ApiError(
      409,
      'call_not_live',
      `call is ${call.status}; only a live call can be handed off`,
    );
  }

  const { agentNumber, queue } = ctx.config.handoff;
  const handoff = await ctx.store.createHandoff({
    call_id: call.id,
    requested_by: requestedBy,
    reason,
    target: agentNumber ?? `queue:${queue ?? 'agents'}`,
    status: 'requested',
    requested_at: new Date().toISOString(),
    ended_at: null,
    duration_s: null,
    error: null,
  });
  const log = ctx.log.child({ callId: call.id, handoffId: handoff.id });

  const actionUrl =
    `${ctx.publicBaseUrl()}/api/v1/calls/${encodeURIComponent(call.id)}/handoff/webhook` +
    `?handoffId=${encodeURIComponent(handoff.id)}`;
  const twiml = handoffTwiml({ agentNumber, queue }, actionUrl);
  try {
    await ctx.twilio.updateCallTwiml(call.twilio_sid, twiml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.store.updateHandoff(handoff.id, {
      status: 'failed',
      error: message,
      ended_at: new Date().toISOString(),
    });
    log.warn({ err: error }, 'hand-off failed');
    throw new ApiError(502, 'twilio_error', `Twilio refused the hand-off: ${message}`, {
      retryable: true,
      cause: error,
    });
  }

  log.info({ requestedBy, target: handoff.target }, 'hand-off started');
  return (await ctx.store.updateHandoff(handoff.id, { status: 'dialing' })) ?? handoff;
}
