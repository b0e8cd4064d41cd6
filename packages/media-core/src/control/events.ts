// What crosses from the media core to the control API: call events and the call's context.

// Mirror: packages/control-api/src/store/types.ts is the receiving side of this wire contract.
/** Event types the control API stores (its internal events route refuses any other). */
export const CALL_EVENT_TYPES = [
  'turn',
  'bargein',
  'asr_failover',
  'fact',
  'outcome',
  'latency_summary',
  'call_started',
  'call_ended',
  'handoff_requested',
  'dtmf',
] as const;

/** One of `CALL_EVENT_TYPES`. */
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** True when `type` is one the events route takes. */
export function isCallEventType(type: unknown): type is CallEventType {
  return (CALL_EVENT_TYPES as readonly unknown[]).includes(type);
}

/** A call event as sent: the control API stores each `id` once, however often it arrives. */
export interface CallEvent {
  /** Idempotency key (a UUID unless the producer chose one). */
  id: string;
  /** What happened. */
  type: CallEventType;
  /** When it happened, ISO 8601 UTC. */
  at: string;
  /** Type-specific fields (a turn's text and timings, a fact's name and value…). */
  payload: Record<string, unknown>;
}

/** An event as the call session hands it to the outbox: `id` and `at` are filled in when absent. */
export interface NewCallEvent {
  /** Idempotency key; default: a new UUID. */
  id?: string;
  /** What happened. */
  type: CallEventType;
  /** When it happened (ISO 8601); default: now. */
  at?: string;
  /** Type-specific fields; default: empty. */
  payload?: Record<string, unknown>;
}

/** The answer of the events route. */
export interface PostEventsResult {
  /** Events stored by this request. */
  accepted: number;
  /** Events the API already had (same `id`), not stored again. */
  duplicates: number;
}

/** The lead a call is with, as the control API knows it. */
export interface CallLead {
  /** Lead id. */
  id: string;
  /** The lead's name (personal data: log it only under a redacted key). */
  name: string;
  /** Preferred language (BCP 47, e.g. "hi-IN"). */
  language: string;
  /** Kind of loan discussed, when known. */
  loanType?: string;
}

/** What the media core needs to know at stream start. */
export interface CallContext {
  /** Control API call id. */
  callId: string;
  /** Lead id. */
  leadId: string;
  /** Language to run the call in (BCP 47). */
  language: string;
  /** The lead. */
  lead: CallLead;
  /** Who dialled. */
  direction: 'inbound' | 'outbound';
}

/** Where the outbox delivers events: the control client, or anything that speaks its contract. */
export interface EventSink {
  /** Posts 1..100 events of one call; rejects with a `ControlApiError` on failure. */
  postEvents(
    callId: string,
    events: readonly CallEvent[],
    signal?: AbortSignal,
  ): Promise<PostEventsResult>;
}
