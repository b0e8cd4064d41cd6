// The media core's side of the control API: the client, and the outbox that feeds it.
export { retryDelayMs, type BackoffOptions } from './backoff.js';
export { ControlClient, MAX_EVENTS_PER_REQUEST, type ControlClientOptions } from './client.js';
export { ControlApiError, isRefusal, type ControlErrorCode } from './errors.js';
export {
  CALL_EVENT_TYPES,
  isCallEventType,
  type CallContext,
  type CallEvent,
  type CallEventType,
  type CallLead,
  type EventSink,
  type NewCallEvent,
  type PostEventsResult,
} from './events.js';
export { resendDeadLetters, type ResendSummary } from './dead-letters.js';
export { DEAD_LETTER_FILE } from './journal.js';
export { Outbox, type OutboxCloseOptions, type OutboxOptions, type OutboxStats } from './outbox.js';
