// The one repository interface every store (SQLite, MongoDB) implements, and its records.
// Times are ISO-8601 UTC strings with millisecond precision, so they sort as text.

/** Who may do what: admin ⊇ ops ⊇ viewer. */
export type Role = 'admin' | 'ops' | 'viewer';

/** An operator account. */
export interface UserRecord {
  /** Stable id. */
  id: string;
  /** Unique login name. */
  username: string;
  /** bcrypt hash of the password. */
  password_hash: string;
  /** Access level. */
  role: Role;
  /** ISO time of creation. */
  created_at: string;
}

/** Where a lead stands in the funnel. */
export type LeadStatus =
  'new' | 'contacted' | 'qualified' | 'not_qualified' | 'callback' | 'not_interested';

/** A person the agent may call. */
export interface LeadRecord {
  /** Stable id. */
  id: string;
  /** Full name. */
  name: string;
  /** E.164 phone number, unique across leads. */
  phone: string;
  /** BCP-47 language the agent speaks with them, e.g. `hi-IN`. */
  language: string;
  /** Kind of loan asked about, if known. */
  loan_type: string | null;
  /** Funnel status. */
  status: LeadStatus;
  /** Never call this person. */
  do_not_call: boolean;
  /** The person agreed to be called. */
  consent: boolean;
  /** IANA time zone for the calling window; null: the configured default. */
  time_zone: string | null;
  /** Free-form notes. */
  notes: string | null;
  /** How the lead arrived: `api`, `csv`, `inbound`. */
  source: string;
  /** ISO time of creation. */
  created_at: string;
  /** ISO time of the last change. */
  updated_at: string;
}

/** Fields a caller may set on a new lead. */
export type NewLead = Pick<LeadRecord, 'name' | 'phone'> &
  Partial<Omit<LeadRecord, 'id' | 'created_at' | 'updated_at' | 'name' | 'phone'>>;

/** Fields that may change on a lead. */
export type LeadPatch = Partial<Omit<LeadRecord, 'id' | 'created_at' | 'updated_at'>>;

/** Twilio's call statuses, plus `queued` before Twilio answered. */
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;

/** One of `CALL_STATUSES`. */
export type CallStatus = (typeof CALL_STATUSES)[number];

const CALL_STATUS_SET: ReadonlySet<string> = new Set(CALL_STATUSES);

/** True when `value` is one of Twilio's call statuses we store. */
export function isCallStatus(value: string): value is CallStatus {
  return CALL_STATUS_SET.has(value);
}

/** Statuses after which a call never changes status again. */
export const TERMINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set([
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);

/** Order of call statuses: a call only moves forward (callbacks may arrive out of order). */
export function callStatusRank(status: CallStatus): number {
  if (TERMINAL_CALL_STATUSES.has(status)) return 4;

  return { queued: 0, initiated: 1, ringing: 2, 'in-progress': 3 }[status as 'queued'] ?? 0;
}

/** One phone call, inbound or outbound. */
export interface CallRecord {
  /** Stable id (also the media stream's `callId`). */
  id: string;
  /** The lead on the line. */
  lead_id: string;
  /** Who dialled. */
  direction: 'inbound' | 'outbound';
  /** Current status. */
  status: CallStatus;
  /** Twilio's CallSid, once known. */
  twilio_sid: string | null;
  /** Caller number (E.164). */
  from_number: string;
  /** Callee number (E.164). */
  to_number: string;
  /** Language of the conversation. */
  language: string;
  /** Who placed it: a username, `twilio` for inbound. */
  created_by: string;
  /** ISO time the conversation started. */
  started_at: string | null;
  /** ISO time the call ended. */
  ended_at: string | null;
  /** Billed duration in seconds, from Twilio. */
  duration_s: number | null;
  /** The conversation's outcome, as the media core reported it. */
  outcome: Record<string, unknown> | null;
  /** Facts gathered during the call, by name. */
  facts: Record<string, unknown>;
  /** Per-call latency summary from the media core. */
  latency_summary: Record<string, unknown> | null;
  /** Why the call failed, when it did. */
  error: string | null;
  /** ISO time of creation. */
  created_at: string;
  /** ISO time of the last change. */
  updated_at: string;
}

/** Fields that may change on a call; `status` only ever moves forward (see callStatusRank). */
export type CallPatch = Partial<
  Pick<
    CallRecord,
    | 'status'
    | 'twilio_sid'
    | 'started_at'
    | 'ended_at'
    | 'duration_s'
    | 'outcome'
    | 'latency_summary'
    | 'error'
  >
>;

/** One turn of a conversation (the `conversations` table). */
export interface TurnRecord {
  /** The id of the event that carried it. */
  id: string;
  /** The call it belongs to. */
  call_id: string;
  /** Who spoke. */
  role: 'caller' | 'agent';
  /** What was said (transcript or reply text). */
  text: string;
  /** Recognition confidence 0..1 for caller turns, when known. */
  confidence: number | null;
  /** ISO time it was said. */
  at: string;
  /** The event payload as delivered. */
  payload: Record<string, unknown>;
}

// Mirror: packages/media-core/src/control/events.ts is the sending side of this wire contract.
/** Event types the media core sends. */
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

/** One event type. */
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** A call event as delivered by the media core; `id` is its idempotency key. */
export interface CallEvent {
  /** Unique id; the same id delivered twice is stored once. */
  id: string;
  /** What happened. */
  type: CallEventType;
  /** ISO time it happened. */
  at: string;
  /** Event details. */
  payload: Record<string, unknown>;
}

/** What storing a call event changes besides the event log; computed by events/effects.ts. */
export interface CallEventEffect {
  /** A conversation turn to add. */
  turn?: TurnRecord;
  /** Call fields to set. */
  callPatch?: CallPatch;
  /** Facts to merge into the call's facts. */
  facts?: Record<string, unknown>;
}

/** Result of storing a batch of events. */
export interface EventBatchResult {
  /** Events stored now (first delivery). */
  accepted: CallEvent[];
  /** Events that had been stored before. */
  duplicates: number;
}

/** A hand-off of a live call to a human agent. */
export interface HandoffRecord {
  /** Stable id. */
  id: string;
  /** The call handed off. */
  call_id: string;
  /** Who asked: a username or `media-core`. */
  requested_by: string;
  /** Why. */
  reason: string;
  /** Where the call went: an agent number or `queue:<name>`. */
  target: string;
  /** `requested` → `dialing` → `completed` | `no-answer` | `busy` | `failed`. */
  status: string;
  /** ISO time asked. */
  requested_at: string;
  /** ISO time the agent leg ended. */
  ended_at: string | null;
  /** Agent leg duration in seconds. */
  duration_s: number | null;
  /** Failure detail. */
  error: string | null;
}

/** A WhatsApp or SMS message sent (or not) to a lead. */
export interface NotificationRecord {
  /** Stable id. */
  id: string;
  /** The lead it went to, if any. */
  lead_id: string | null;
  /** The call that triggered it, if any. */
  call_id: string | null;
  /** Channel. */
  channel: 'whatsapp' | 'sms';
  /** E.164 destination. */
  destination: string;
  /** WhatsApp template id, or null for plain text. */
  template: string | null;
  /** Text or template parameters as sent. */
  body: string;
  /** `sent`, `failed` (permanent) or `skipped` (no provider configured). */
  status: 'sent' | 'failed' | 'skipped';
  /** Provider's message id when sent. */
  provider_message_id: string | null;
  /** Attempts made. */
  attempts: number;
  /** Failure detail. */
  error: string | null;
  /** ISO time of creation. */
  created_at: string;
}

/** One audit-log line: every write and every read of a person's data. */
export interface AuditRecord {
  /** Stable id. */
  id: string;
  /** ISO time. */
  at: string;
  /** Username, `media-core` or `twilio`. */
  actor: string;
  /** `read`, `create`, `update`, `delete`, `import`, `place_call`, … */
  action: string;
  /** Kind of record, e.g. `lead`. */
  resource: string;
  /** Id of the record, when one. */
  resource_id: string | null;
  /** Small structured detail (never a full record). */
  detail: Record<string, unknown> | null;
}

/** Maintenance mode: inbound callers hear `message`, outbound calling pauses. */
export interface MaintenanceState {
  /** On or off. */
  enabled: boolean;
  /** What inbound callers hear. */
  message: string;
  /** Who changed it last. */
  updated_by: string | null;
  /** ISO time of the last change. */
  updated_at: string | null;
}

/** A page of a listing. */
export interface Page<T> {
  /** Records in order. */
  items: T[];
  /** Opaque cursor of the next page; null at the end. */
  next_cursor: string | null;
}

/** Listing filters for leads. */
export interface LeadQuery {
  /** Only this status. */
  status?: LeadStatus;
  /** Only this E.164 phone. */
  phone?: string;
  /** Page size. */
  limit: number;
  /** Cursor from a previous page. */
  cursor?: string;
}

/** Listing filters for calls. */
export interface CallQuery {
  /** Only calls of this lead. */
  lead_id?: string;
  /** Only this status. */
  status?: CallStatus;
  /** Page size. */
  limit: number;
  /** Cursor from a previous page. */
  cursor?: string;
}

/** Outcome of a bulk insert: which rows went in and which phones already existed. */
export interface BulkLeadResult {
  /** Leads inserted. */
  created: LeadRecord[];
  /** Phones that already belonged to a lead. */
  existing_phones: string[];
}

/** The repository. Every method is async so SQLite and MongoDB share one shape. */
export interface Store {
  /** `sqlite` or `mongodb`. */
  readonly kind: 'sqlite' | 'mongodb';
  /** True when the store answers. */
  ping(): Promise<boolean>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;

  /** Creates a user; throws StoreConflict on a taken username. */
  createUser(user: Omit<UserRecord, 'id' | 'created_at'>): Promise<UserRecord>;
  /** Finds a user by login name. */
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** Finds a user by id. */
  getUser(id: string): Promise<UserRecord | null>;
  /** All users, oldest first. */
  listUsers(): Promise<UserRecord[]>;
  /** Deletes a user; false when absent. */
  deleteUser(id: string): Promise<boolean>;

  /** Creates a lead; throws StoreConflict on a taken phone. */
  createLead(lead: NewLead): Promise<LeadRecord>;
  /** Inserts many leads, skipping phones already present (one transaction where possible). */
  createLeads(leads: NewLead[]): Promise<BulkLeadResult>;
  /** Finds a lead. */
  getLead(id: string): Promise<LeadRecord | null>;
  /** Finds a lead by E.164 phone. */
  findLeadByPhone(phone: string): Promise<LeadRecord | null>;
  /** Newest first, filtered, paged. */
  listLeads(query: LeadQuery): Promise<Page<LeadRecord>>;
  /** Applies a patch; null when absent; StoreConflict on a taken phone. */
  updateLead(id: string, patch: LeadPatch): Promise<LeadRecord | null>;
  /** Deletes a lead; false when absent; StoreConflict when it has calls. */
  deleteLead(id: string): Promise<boolean>;

  /** Creates a call. */
  createCall(
    call: Pick<
      CallRecord,
      'lead_id' | 'direction' | 'status' | 'from_number' | 'to_number' | 'language' | 'created_by'
    > &
      Partial<Pick<CallRecord, 'twilio_sid' | 'started_at'>>,
  ): Promise<CallRecord>;
  /** Finds a call. */
  getCall(id: string): Promise<CallRecord | null>;
  /** Finds a call by Twilio CallSid. */
  findCallByTwilioSid(sid: string): Promise<CallRecord | null>;
  /** Newest first, filtered, paged. */
  listCalls(query: CallQuery): Promise<Page<CallRecord>>;
  /** Applies a patch (status only forward); returns the call and its status before, or null. */
  updateCall(
    id: string,
    patch: CallPatch,
  ): Promise<{ call: CallRecord; previousStatus: CallStatus } | null>;
  /** Conversation turns of a call, in time order. */
  listTurns(callId: string): Promise<TurnRecord[]>;
  /** Stores each event once with its effect; events seen before count as duplicates. */
  recordCallEvents(
    callId: string,
    events: Array<{ event: CallEvent; effect: CallEventEffect }>,
  ): Promise<EventBatchResult>;
  /** Non-turn events of a call in time order (barge-ins, failovers, dtmf…). */
  listCallEvents(callId: string): Promise<CallEvent[]>;

  /** Records a hand-off. */
  createHandoff(handoff: Omit<HandoffRecord, 'id'>): Promise<HandoffRecord>;
  /** Updates a hand-off's status, end and error. */
  updateHandoff(
    id: string,
    patch: Partial<Pick<HandoffRecord, 'status' | 'ended_at' | 'duration_s' | 'error'>>,
  ): Promise<HandoffRecord | null>;
  /** Hand-offs of a call, oldest first. */
  listHandoffs(callId: string): Promise<HandoffRecord[]>;

  /** Records a notification attempt's result. */
  createNotification(
    notification: Omit<NotificationRecord, 'id' | 'created_at'>,
  ): Promise<NotificationRecord>;
  /** Notifications, newest first. */
  listNotifications(limit: number): Promise<NotificationRecord[]>;

  /** Appends to the audit log. */
  appendAudit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void>;
  /** Audit log, newest first, paged. */
  listAudit(limit: number, cursor?: string): Promise<Page<AuditRecord>>;

  /** Current maintenance state. */
  getMaintenance(): Promise<MaintenanceState>;
  /** Sets maintenance state. */
  setMaintenance(state: Omit<MaintenanceState, 'updated_at'>): Promise<MaintenanceState>;
}

/** A uniqueness rule was broken (taken phone, username, …). */
export class StoreConflict extends Error {
  /** Stable code. */
  readonly code = 'conflict';
  /** The field whose value is taken. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'StoreConflict';
    this.field = field;
  }
}

/** The default message inbound callers hear during maintenance. */
export const DEFAULT_MAINTENANCE_MESSAGE =
  'Our service is under maintenance. Please call again later. Thank you.';
