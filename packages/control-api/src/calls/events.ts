// What each media-core event changes besides the event log (pure: no I/O).
import type { CallEvent, CallEventEffect, CallStatus } from '../store/types.js';

const ENDED_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);

const asNumber = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function turnEffect(callId: string, event: CallEvent): CallEventEffect {
  const payload = event.payload;
  const role = payload['role'] === 'agent' || payload['speaker'] === 'agent' ? 'agent' : 'caller';
  const text = typeof payload['text'] === 'string' ? payload['text'] : '';
  const confidence = asNumber(payload['confidence']);

  return {
    turn: { id: event.id, call_id: callId, role, text, confidence, at: event.at, payload },
  };
}

/**
 * Facts arrive either as `{ name, value }` (one fact) or as a map of facts; both merge into
 * the call's facts by name.
 */
function factEffect(event: CallEvent): CallEventEffect {
  const { name, value } = event.payload;
  if (typeof name === 'string' && 'value' in event.payload) return { facts: { [name]: value } };

  return { facts: { ...event.payload } };
}

function endedEffect(event: CallEvent): CallEventEffect {
  const status = event.payload['status'];
  const duration = asNumber(event.payload['duration_s']);

  return {
    callPatch: {
      status:
        typeof status === 'string' && ENDED_STATUSES.has(status)
          ? (status as CallStatus)
          : 'completed',
      ended_at: event.at,
      ...(duration !== null ? { duration_s: Math.round(duration) } : {}),
    },
  };
}

/** The effect of one event on the call record and its conversation. */
export function effectOf(callId: string, event: CallEvent): CallEventEffect {
  switch (event.type) {
    case 'turn':
      return turnEffect(callId, event);
    case 'fact':
      return factEffect(event);
    case 'outcome':
      return { callPatch: { outcome: event.payload } };
    case 'latency_summary':
      return { callPatch: { latency_summary: event.payload } };
    case 'call_started':
      return { callPatch: { status: 'in-progress', started_at: event.at } };
    case 'call_ended':
      return endedEffect(event);
    default:
      // bargein, asr_failover, dtmf, handoff_requested: kept in the event log only.
      return {};
  }
}

/** The recognition confidence a caller turn carries, for `asr_confidence_score`. */
export function callerConfidence(event: CallEvent): number | null {
  if (event.type !== 'turn' || event.payload['role'] === 'agent') return null;

  return asNumber(event.payload['confidence']);
}
