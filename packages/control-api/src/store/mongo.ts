// The MongoDB store, on the official driver, with the runbook's pool settings and indexes.
// Every listing query is served by an index declared in INDEXES below.
import { newId } from './ids.js';
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { decodeCursor, toPage } from './cursor.js';
import { callDefaults, leadDefaults, now } from './records.js';
import {
  DEFAULT_MAINTENANCE_MESSAGE,
  StoreConflict,
  TERMINAL_CALL_STATUSES,
  callStatusRank,
  type AuditRecord,
  type BulkLeadResult,
  type CallEvent,
  type CallEventEffect,
  type CallPatch,
  type CallQuery,
  type CallRecord,
  type CallStatus,
  type EventBatchResult,
  type HandoffRecord,
  type LeadPatch,
  type LeadQuery,
  type LeadRecord,
  type MaintenanceState,
  type NewLead,
  type NotificationRecord,
  type Page,
  type Store,
  type TurnRecord,
  type UserRecord,
} from './types.js';

/** The runbook's pool settings. */
export const MONGO_POOL_OPTIONS = {
  maxPoolSize: 50,
  minPoolSize: 10,
  maxIdleTimeMS: 30_000,
  waitQueueTimeoutMS: 5000,
} as const;

/** Indexes per collection; the first three are the runbook's, the rest serve our queries. */
export const INDEXES: Record<
  string,
  Array<{ key: Document; unique?: boolean; partialFilterExpression?: Document }>
> = {
  leads: [
    { key: { phone: 1, status: 1 } },
    { key: { phone: 1 }, unique: true },
    { key: { status: 1, created_at: -1, _id: -1 } },
    { key: { created_at: -1, _id: -1 } },
  ],
  calls: [
    { key: { lead_id: 1, created_at: -1 } },
    // Partial: a unique index counts a missing field as null, and calls lack a sid at first.
    {
      key: { twilio_sid: 1 },
      unique: true,
      partialFilterExpression: { twilio_sid: { $type: 'string' } },
    },
    { key: { status: 1, created_at: -1, _id: -1 } },
    { key: { created_at: -1, _id: -1 } },
  ],
  conversations: [{ key: { call_id: 1 } }],
  call_events: [{ key: { call_id: 1, at: 1 } }],
  users: [{ key: { username: 1 }, unique: true }],
  handoffs: [{ key: { call_id: 1 } }],
  notifications: [{ key: { created_at: -1, _id: -1 } }],
  audit_log: [{ key: { at: -1, _id: -1 } }],
};

/** Our records keep `id`; MongoDB documents keep it as `_id`. */
function fromDoc<T>(doc: Document | null): T | null {
  if (!doc) return null;

  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

function toDoc<T extends { id: string }>(record: T): Document {
  const { id, ...rest } = record;
  return { _id: id, ...rest };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** Keyset filter for newest-first pages over (timeField, _id). */
function cursorFilter(cursor: string | undefined, timeField: string): Document {
  if (!cursor) return {};

  const key = decodeCursor(cursor);
  return {
    $or: [{ [timeField]: { $lt: key.at } }, { [timeField]: key.at, _id: { $lt: key.id } }],
  };
}

/** Field names MongoDB would read as paths or operators are written with `_` instead. */
const safeKey = (key: string) => key.replace(/[.$]/g, '_');

/** MongoDB implementation of the repository. */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  private readonly client: MongoClient;
  private readonly db: Db;
  private closed = false;

  private constructor(client: MongoClient, dbName?: string) {
    this.client = client;
    this.db = client.db(dbName);
  }

  /** Connects, creates the indexes and answers when the store is usable. */
  static async connect(uri: string, dbName?: string): Promise<MongoStore> {
    const client = new MongoClient(uri, { ...MONGO_POOL_OPTIONS, serverSelectionTimeoutMS: 5000 });
    await client.connect();

    const store = new MongoStore(client, dbName);
    await store.ensureIndexes();

    return store;
  }

  private async ensureIndexes(): Promise<void> {
    for (const [name, indexes] of Object.entries(INDEXES)) {
      await this.db.collection(name).createIndexes(indexes.map((index) => ({ ...index })));
    }
  }

  private col(name: string): Collection<Document> {
    return this.db.collection(name);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;

    try {
      await this.db.command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    await this.client.close();
  }

  async createUser(user: Omit<UserRecord, 'id' | 'created_at'>): Promise<UserRecord> {
    const record: UserRecord = { ...user, id: newId(), created_at: now() };
    try {
      await this.col('users').insertOne(toDoc(record));
    } catch (error) {
      if (isDuplicateKey(error)) throw new StoreConflict('username', 'username is taken');
      throw error;
    }

    return record;
  }

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    return fromDoc(await this.col('users').findOne({ username }));
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return fromDoc(await this.col('users').findOne({ _id: id as never }));
  }

  async listUsers(): Promise<UserRecord[]> {
    const docs = await this.col('users').find().sort({ created_at: 1, _id: 1 }).toArray();
    return docs.map((doc) => fromDoc<UserRecord>(doc) as UserRecord);
  }

  async deleteUser(id: string): Promise<boolean> {
    return (await this.col('users').deleteOne({ _id: id as never })).deletedCount > 0;
  }

  async createLead(lead: NewLead): Promise<LeadRecord> {
    const record = leadDefaults(lead, now());
    try {
      await this.col('leads').insertOne(toDoc(record));
    } catch (error) {
      if (isDuplicateKey(error)) throw new StoreConflict('phone', 'phone belongs to a lead');
      throw error;
    }

    return record;
  }

  async createLeads(leads: NewLead[]): Promise<BulkLeadResult> {
    const at = now();
    const records = leads.map((lead) => leadDefaults(lead, at));
    const failed = new Set<number>();
    if (records.length === 0) return { created: [], existing_phones: [] };

    // Unordered: one taken phone must not stop the rest of the batch.
    try {
      await this.col('leads').insertMany(records.map(toDoc), { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (list.length === 0) throw error;

      for (const writeError of list as Array<{ index: number; code: number }>) {
        if (writeError.code !== 11000) throw error;
        failed.add(writeError.index);
      }
    }

    return {
      created: records.filter((_, index) => !failed.has(index)),
      existing_phones: records.filter((_, index) => failed.has(index)).map((lead) => lead.phone),
    };
  }

  async getLead(id: string): Promise<LeadRecord | null> {
    return fromDoc(await this.col('leads').findOne({ _id: id as never }));
  }

  async findLeadByPhone(phone: string): Promise<LeadRecord | null> {
    return fromDoc(await this.col('leads').findOne({ phone }));
  }

  async listLeads(query: LeadQuery): Promise<Page<LeadRecord>> {
    const filter: Document = { ...cursorFilter(query.cursor, 'created_at') };
    if (query.status) filter['status'] = query.status;
    if (query.phone) filter['phone'] = query.phone;

    const docs = await this.col('leads')
      .find(filter)
      .sort({ created_at: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    const leads = docs.map((doc) => fromDoc<LeadRecord>(doc) as LeadRecord);

    return toPage(leads, query.limit, (lead) => ({ at: lead.created_at, id: lead.id }));
  }

  async updateLead(id: string, patch: LeadPatch): Promise<LeadRecord | null> {
    try {
      const doc = await this.col('leads').findOneAndUpdate(
        { _id: id as never },
        { $set: { ...patch, updated_at: now() } },
        { returnDocument: 'after' },
      );
      return fromDoc(doc);
    } catch (error) {
      if (isDuplicateKey(error)) throw new StoreConflict('phone', 'phone belongs to a lead');
      throw error;
    }
  }

  async deleteLead(id: string): Promise<boolean> {
    // Limit: the check and the delete are two operations; a call created for this lead in
    // between leaves an orphan call (MongoDB has no foreign keys; SQLite refuses it).
    if (await this.col('calls').findOne({ lead_id: id }, { projection: { _id: 1 } })) {
      throw new StoreConflict('id', 'lead has calls and cannot be deleted');
    }

    return (await this.col('leads').deleteOne({ _id: id as never })).deletedCount > 0;
  }

  async createCall(call: Parameters<Store['createCall']>[0]): Promise<CallRecord> {
    const record = callDefaults(call, now());
    const doc = toDoc(record);
    // Absent until known, so the partial unique index on twilio_sid skips it.
    if (record.twilio_sid === null) delete doc['twilio_sid'];
    await this.col('calls').insertOne(doc);

    return record;
  }

  private toCall(doc: Document | null): CallRecord | null {
    const call = fromDoc<CallRecord>(doc);
    if (!call) return null;

    return { ...call, twilio_sid: call.twilio_sid ?? null, facts: call.facts ?? {} };
  }

  async getCall(id: string): Promise<CallRecord | null> {
    return this.toCall(await this.col('calls').findOne({ _id: id as never }));
  }

  async findCallByTwilioSid(sid: string): Promise<CallRecord | null> {
    return this.toCall(await this.col('calls').findOne({ twilio_sid: sid }));
  }

  async listCalls(query: CallQuery): Promise<Page<CallRecord>> {
    const filter: Document = { ...cursorFilter(query.cursor, 'created_at') };
    if (query.lead_id) filter['lead_id'] = query.lead_id;
    if (query.status) filter['status'] = query.status;

    // Limit: with a lead filter the runbook's index {lead_id, created_at} orders by time but
    // not by _id, so equal-millisecond calls of one lead are sorted in memory (a few per lead).
    const docs = await this.col('calls')
      .find(filter)
      .sort({ created_at: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    const calls = docs.map((doc) => this.toCall(doc) as CallRecord);

    return toPage(calls, query.limit, (call) => ({ at: call.created_at, id: call.id }));
  }

  private async patchCall(id: string, patch: CallPatch, facts?: Record<string, unknown>) {
    const { status, ...fields } = patch;
    const set: Document = { ...fields, updated_at: now() };
    for (const [key, value] of Object.entries(facts ?? {})) set[`facts.${safeKey(key)}`] = value;

    const before = await this.col('calls').findOneAndUpdate(
      { _id: id as never },
      { $set: set },
      { returnDocument: 'before' },
    );
    if (!before) return null;

    if (status) {
      // Only forward: the filter lists the statuses ranked below the new one, so a late
      // 'ringing' callback cannot undo 'completed'.
      const lower = ALL_STATUSES.filter((s) => callStatusRank(s) < callStatusRank(status));
      await this.col('calls').updateOne(
        { _id: id as never, status: { $in: lower } },
        { $set: { status } },
      );
    }

    const after = await this.getCall(id);
    return after ? { call: after, previousStatus: before['status'] as CallStatus } : null;
  }

  async updateCall(id: string, patch: CallPatch) {
    return this.patchCall(id, patch);
  }

  async listTurns(callId: string): Promise<TurnRecord[]> {
    const docs = await this.col('conversations')
      .find({ call_id: callId })
      .sort({ at: 1, _id: 1 })
      .toArray();
    return docs.map((doc) => fromDoc<TurnRecord>(doc) as TurnRecord);
  }

  private async applyEffect(callId: string, effect: CallEventEffect): Promise<void> {
    if (effect.turn) {
      // $setOnInsert keyed by the event id: re-applying after a crash writes nothing twice.
      await this.col('conversations').updateOne(
        { _id: effect.turn.id as never },
        { $setOnInsert: toDoc(effect.turn) },
        { upsert: true },
      );
    }
    if (effect.callPatch || effect.facts) {
      await this.patchCall(callId, effect.callPatch ?? {}, effect.facts);
    }
  }

  async recordCallEvents(
    callId: string,
    events: Array<{ event: CallEvent; effect: CallEventEffect }>,
  ): Promise<EventBatchResult> {
    const result: EventBatchResult = { accepted: [], duplicates: 0 };
    const log = this.col('call_events');

    // Without a multi-document transaction (standalone servers have none), each event is
    // claimed first with applied=false, its effect applied idempotently, then marked applied.
    // A redelivery finding applied=false (a crash in between) applies it again, harmlessly.
    for (const { event, effect } of events) {
      const doc = { ...toDoc(event), call_id: callId, received_at: now(), applied: false };
      try {
        await log.insertOne(doc);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;

        const seen = await log.findOne({ _id: event.id as never });
        if (seen?.['applied']) {
          result.duplicates += 1;
          continue;
        }
      }

      await this.applyEffect(callId, effect);
      await log.updateOne({ _id: event.id as never }, { $set: { applied: true } });
      result.accepted.push(event);
    }

    return result;
  }

  async listCallEvents(callId: string): Promise<CallEvent[]> {
    const docs = await this.col('call_events')
      .find({ call_id: callId, type: { $ne: 'turn' } })
      .sort({ at: 1, _id: 1 })
      .toArray();

    return docs.map((doc) => ({
      id: String(doc['_id']),
      type: doc['type'] as CallEvent['type'],
      at: doc['at'] as string,
      payload: (doc['payload'] ?? {}) as Record<string, unknown>,
    }));
  }

  async createHandoff(handoff: Omit<HandoffRecord, 'id'>): Promise<HandoffRecord> {
    const record: HandoffRecord = { ...handoff, id: newId() };
    await this.col('handoffs').insertOne(toDoc(record));

    return record;
  }

  async updateHandoff(
    id: string,
    patch: Partial<Pick<HandoffRecord, 'status' | 'ended_at' | 'duration_s' | 'error'>>,
  ): Promise<HandoffRecord | null> {
    const doc = await this.col('handoffs').findOneAndUpdate(
      { _id: id as never },
      { $set: patch },
      { returnDocument: 'after' },
    );
    return fromDoc(doc);
  }

  async listHandoffs(callId: string): Promise<HandoffRecord[]> {
    const docs = await this.col('handoffs')
      .find({ call_id: callId })
      .sort({ requested_at: 1, _id: 1 })
      .toArray();
    return docs.map((doc) => fromDoc<HandoffRecord>(doc) as HandoffRecord);
  }

  async createNotification(
    notification: Omit<NotificationRecord, 'id' | 'created_at'>,
  ): Promise<NotificationRecord> {
    const record: NotificationRecord = { ...notification, id: newId(), created_at: now() };
    await this.col('notifications').insertOne(toDoc(record));

    return record;
  }

  async listNotifications(limit: number): Promise<NotificationRecord[]> {
    const docs = await this.col('notifications')
      .find()
      .sort({ created_at: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => fromDoc<NotificationRecord>(doc) as NotificationRecord);
  }

  async appendAudit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    const record: AuditRecord = { ...entry, id: newId(), at: now() };
    await this.col('audit_log').insertOne(toDoc(record));
  }

  async listAudit(limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const docs = await this.col('audit_log')
      .find(cursorFilter(cursor, 'at'))
      .sort({ at: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const records = docs.map((doc) => fromDoc<AuditRecord>(doc) as AuditRecord);

    return toPage(records, limit, (record) => ({ at: record.at, id: record.id }));
  }

  async getMaintenance(): Promise<MaintenanceState> {
    const doc = await this.col('settings').findOne({ _id: 'maintenance' as never });
    if (!doc) {
      return {
        enabled: false,
        message: DEFAULT_MAINTENANCE_MESSAGE,
        updated_by: null,
        updated_at: null,
      };
    }

    const { _id, ...state } = doc;
    return state as MaintenanceState;
  }

  async setMaintenance(state: Omit<MaintenanceState, 'updated_at'>): Promise<MaintenanceState> {
    const record: MaintenanceState = { ...state, updated_at: now() };
    await this.col('settings').updateOne(
      { _id: 'maintenance' as never },
      { $set: record },
      { upsert: true },
    );

    return record;
  }
}

const ALL_STATUSES: CallStatus[] = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  ...TERMINAL_CALL_STATUSES,
];
