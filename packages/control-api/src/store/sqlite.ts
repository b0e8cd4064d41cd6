// The embedded store: SQLite through better-sqlite3 (WAL, foreign keys, versioned migrations).
import { newId } from './ids.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { decodeCursor, toPage } from './cursor.js';
import { callDefaults, leadDefaults, now } from './records.js';
import { SQLITE_MIGRATIONS, type Migration } from './migrations/sqlite.js';
import {
  DEFAULT_MAINTENANCE_MESSAGE,
  StoreConflict,
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

type Row = Record<string, unknown>;
type Db = Database.Database;

const parseJson = (value: unknown) =>
  typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : null;

function toLead(row: Row): LeadRecord {
  return {
    ...(row as unknown as LeadRecord),
    do_not_call: !!row['do_not_call'],
    consent: !!row['consent'],
  };
}

function toCall(row: Row): CallRecord {
  return {
    ...(row as unknown as CallRecord),
    outcome: parseJson(row['outcome']),
    facts: parseJson(row['facts']) ?? {},
    latency_summary: parseJson(row['latency_summary']),
  };
}

function leadRow(lead: LeadRecord): Row {
  return { ...lead, do_not_call: lead.do_not_call ? 1 : 0, consent: lead.consent ? 1 : 0 };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Applies pending migrations, each in its own transaction, recording each version. */
export function migrate(db: Db, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM migrations')
      .all()
      .map((row) => (row as Row)['version']),
  );
  const done: number[] = [];

  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;

    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    })();
    done.push(migration.version);
  }

  return done;
}

/** SQLite implementation of the repository. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Db;
  private closed = false;

  /** Opens (creating folders and schema) the database at `path`, or `:memory:`. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

    this.db = new Database(path);
    // WAL lets readers (the API's GETs) proceed while a write transaction is open.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;

    return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    this.db.close();
  }

  async createUser(user: Omit<UserRecord, 'id' | 'created_at'>): Promise<UserRecord> {
    const record: UserRecord = { ...user, id: newId(), created_at: now() };
    try {
      this.db
        .prepare(
          `INSERT INTO users (id, username, password_hash, role, created_at)
           VALUES (@id, @username, @password_hash, @role, @created_at)`,
        )
        .run(record);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflict('username', 'username is taken');
      throw error;
    }

    return record;
  }

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username);
    return (row as UserRecord | undefined) ?? null;
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRecord) ?? null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.db.prepare('SELECT * FROM users ORDER BY created_at, id').all() as UserRecord[];
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  private insertLead(lead: LeadRecord, onConflictIgnore: boolean): boolean {
    const conflict = onConflictIgnore ? 'ON CONFLICT (phone) DO NOTHING' : '';
    const info = this.db
      .prepare(
        `INSERT INTO leads (id, name, phone, language, loan_type, status, do_not_call, consent,
           time_zone, notes, source, created_at, updated_at)
         VALUES (@id, @name, @phone, @language, @loan_type, @status, @do_not_call, @consent,
           @time_zone, @notes, @source, @created_at, @updated_at) ${conflict}`,
      )
      .run(leadRow(lead));

    return info.changes > 0;
  }

  async createLead(lead: NewLead): Promise<LeadRecord> {
    const record = leadDefaults(lead, now());
    try {
      this.insertLead(record, false);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflict('phone', 'phone belongs to a lead');
      throw error;
    }

    return record;
  }

  async createLeads(leads: NewLead[]): Promise<BulkLeadResult> {
    const at = now();
    const result: BulkLeadResult = { created: [], existing_phones: [] };

    // One transaction: 10,000 rows commit once instead of fsyncing per row.
    this.db.transaction(() => {
      for (const lead of leads) {
        const record = leadDefaults(lead, at);
        if (this.insertLead(record, true)) result.created.push(record);
        else result.existing_phones.push(record.phone);
      }
    })();

    return result;
  }

  async getLead(id: string): Promise<LeadRecord | null> {
    const row = this.db.prepare('SELECT * FROM leads WHERE id = ?').get(id) as Row | undefined;
    return row ? toLead(row) : null;
  }

  async findLeadByPhone(phone: string): Promise<LeadRecord | null> {
    const row = this.db.prepare('SELECT * FROM leads WHERE phone = ?').get(phone) as
      Row | undefined;
    return row ? toLead(row) : null;
  }

  async listLeads(query: LeadQuery): Promise<Page<LeadRecord>> {
    const where: string[] = [];
    const params: Row = { limit: query.limit + 1 };
    if (query.status) {
      where.push('status = @status');
      params['status'] = query.status;
    }
    if (query.phone) {
      where.push('phone = @phone');
      params['phone'] = query.phone;
    }
    this.addCursor(where, params, query.cursor);

    const rows = this.db
      .prepare(
        `SELECT * FROM leads ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY created_at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Row[];

    return toPage(rows.map(toLead), query.limit, (lead) => ({ at: lead.created_at, id: lead.id }));
  }

  private addCursor(where: string[], params: Row, cursor: string | undefined): void {
    if (!cursor) return;

    const key = decodeCursor(cursor);
    where.push('(created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId))');
    params['cursorAt'] = key.at;
    params['cursorId'] = key.id;
  }

  async updateLead(id: string, patch: LeadPatch): Promise<LeadRecord | null> {
    const current = await this.getLead(id);
    if (!current) return null;

    const next: LeadRecord = { ...current, ...patch, id, updated_at: now() };
    try {
      this.db
        .prepare(
          `UPDATE leads SET name = @name, phone = @phone, language = @language,
             loan_type = @loan_type, status = @status, do_not_call = @do_not_call,
             consent = @consent, time_zone = @time_zone, notes = @notes, source = @source,
             updated_at = @updated_at
           WHERE id = @id`,
        )
        .run(leadRow(next));
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflict('phone', 'phone belongs to a lead');
      throw error;
    }

    return next;
  }

  async deleteLead(id: string): Promise<boolean> {
    try {
      return this.db.prepare('DELETE FROM leads WHERE id = ?').run(id).changes > 0;
    } catch (error) {
      if (
        (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
        (error as Error).message.startsWith('FOREIGN KEY')
      ) {
        throw new StoreConflict('id', 'lead has calls and cannot be deleted');
      }
      throw error;
    }
  }

  async createCall(call: Parameters<Store['createCall']>[0]): Promise<CallRecord> {
    const record = callDefaults(call, now());
    record.started_at = call.started_at ?? null;
    this.db
      .prepare(
        `INSERT INTO calls (id, lead_id, direction, status, twilio_sid, from_number, to_number,
           language, created_by, started_at, created_at, updated_at)
         VALUES (@id, @lead_id, @direction, @status, @twilio_sid, @from_number, @to_number,
           @language, @created_by, @started_at, @created_at, @updated_at)`,
      )
      .run(record);

    return record;
  }

  async getCall(id: string): Promise<CallRecord | null> {
    const row = this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as Row | undefined;
    return row ? toCall(row) : null;
  }

  async findCallByTwilioSid(sid: string): Promise<CallRecord | null> {
    const row = this.db.prepare('SELECT * FROM calls WHERE twilio_sid = ?').get(sid) as
      Row | undefined;
    return row ? toCall(row) : null;
  }

  async listCalls(query: CallQuery): Promise<Page<CallRecord>> {
    const where: string[] = [];
    const params: Row = { limit: query.limit + 1 };
    if (query.lead_id) {
      where.push('lead_id = @lead_id');
      params['lead_id'] = query.lead_id;
    }
    if (query.status) {
      where.push('status = @status');
      params['status'] = query.status;
    }
    this.addCursor(where, params, query.cursor);

    const rows = this.db
      .prepare(
        `SELECT * FROM calls ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY created_at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Row[];

    return toPage(rows.map(toCall), query.limit, (call) => ({ at: call.created_at, id: call.id }));
  }

  /** Patch and fact merge inside the caller's transaction; status only moves forward. */
  private applyCallPatch(
    id: string,
    patch: CallPatch,
    facts?: Record<string, unknown>,
  ): { call: CallRecord; previousStatus: CallStatus } | null {
    const row = this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;

    const current = toCall(row);
    const next: CallRecord = { ...current, ...patch, updated_at: now() };
    if (patch.status && callStatusRank(patch.status) <= callStatusRank(current.status)) {
      next.status = current.status;
    }
    if (facts) next.facts = { ...current.facts, ...facts };

    this.db
      .prepare(
        `UPDATE calls SET status = @status, twilio_sid = @twilio_sid, started_at = @started_at,
           ended_at = @ended_at, duration_s = @duration_s, outcome = @outcome, facts = @facts,
           latency_summary = @latency_summary, error = @error, updated_at = @updated_at
         WHERE id = @id`,
      )
      .run({
        ...next,
        outcome: next.outcome ? JSON.stringify(next.outcome) : null,
        facts: JSON.stringify(next.facts),
        latency_summary: next.latency_summary ? JSON.stringify(next.latency_summary) : null,
      });

    return { call: next, previousStatus: current.status };
  }

  async updateCall(id: string, patch: CallPatch) {
    return this.db.transaction(() => this.applyCallPatch(id, patch))();
  }

  async listTurns(callId: string): Promise<TurnRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM conversations WHERE call_id = ? ORDER BY at, rowid')
      .all(callId) as Row[];

    return rows.map((row) => ({
      ...(row as unknown as TurnRecord),
      payload: parseJson(row['payload']) ?? {},
    }));
  }

  async recordCallEvents(
    callId: string,
    events: Array<{ event: CallEvent; effect: CallEventEffect }>,
  ): Promise<EventBatchResult> {
    const result: EventBatchResult = { accepted: [], duplicates: 0 };
    const insertEvent = this.db.prepare(
      `INSERT INTO call_events (id, call_id, type, at, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const insertTurn = this.db.prepare(
      `INSERT INTO conversations (id, call_id, role, text, confidence, at, payload)
       VALUES (@id, @call_id, @role, @text, @confidence, @at, @payload)`,
    );

    // Event and effect commit together, so an event is never marked seen without its effect
    // (a crash mid-batch rolls both back and the redelivery applies them once).
    this.db.transaction(() => {
      for (const { event, effect } of events) {
        const info = insertEvent.run(
          event.id,
          callId,
          event.type,
          event.at,
          JSON.stringify(event.payload),
          now(),
        );
        if (info.changes === 0) {
          result.duplicates += 1;
          continue;
        }

        if (effect.turn)
          insertTurn.run({ ...effect.turn, payload: JSON.stringify(effect.turn.payload) });
        if (effect.callPatch || effect.facts)
          this.applyCallPatch(callId, effect.callPatch ?? {}, effect.facts);
        result.accepted.push(event);
      }
    })();

    return result;
  }

  async listCallEvents(callId: string): Promise<CallEvent[]> {
    const rows = this.db
      .prepare(`SELECT * FROM call_events WHERE call_id = ? AND type != 'turn' ORDER BY at, rowid`)
      .all(callId) as Row[];

    return rows.map((row) => ({
      id: row['id'] as string,
      type: row['type'] as CallEvent['type'],
      at: row['at'] as string,
      payload: parseJson(row['payload']) ?? {},
    }));
  }

  async createHandoff(handoff: Omit<HandoffRecord, 'id'>): Promise<HandoffRecord> {
    const record: HandoffRecord = { ...handoff, id: newId() };
    this.db
      .prepare(
        `INSERT INTO handoffs (id, call_id, requested_by, reason, target, status, requested_at,
           ended_at, duration_s, error)
         VALUES (@id, @call_id, @requested_by, @reason, @target, @status, @requested_at,
           @ended_at, @duration_s, @error)`,
      )
      .run(record);

    return record;
  }

  async updateHandoff(
    id: string,
    patch: Partial<Pick<HandoffRecord, 'status' | 'ended_at' | 'duration_s' | 'error'>>,
  ): Promise<HandoffRecord | null> {
    const current = this.db.prepare('SELECT * FROM handoffs WHERE id = ?').get(id) as
      HandoffRecord | undefined;
    if (!current) return null;

    const next = { ...current, ...patch };
    this.db
      .prepare(
        `UPDATE handoffs SET status = @status, ended_at = @ended_at, duration_s = @duration_s,
           error = @error WHERE id = @id`,
      )
      .run(next);

    return next;
  }

  async listHandoffs(callId: string): Promise<HandoffRecord[]> {
    return this.db
      .prepare('SELECT * FROM handoffs WHERE call_id = ? ORDER BY requested_at, id')
      .all(callId) as HandoffRecord[];
  }

  async createNotification(
    notification: Omit<NotificationRecord, 'id' | 'created_at'>,
  ): Promise<NotificationRecord> {
    const record: NotificationRecord = { ...notification, id: newId(), created_at: now() };
    this.db
      .prepare(
        `INSERT INTO notifications (id, lead_id, call_id, channel, destination, template, body,
           status, provider_message_id, attempts, error, created_at)
         VALUES (@id, @lead_id, @call_id, @channel, @destination, @template, @body, @status,
           @provider_message_id, @attempts, @error, @created_at)`,
      )
      .run(record);

    return record;
  }

  async listNotifications(limit: number): Promise<NotificationRecord[]> {
    return this.db
      .prepare('SELECT * FROM notifications ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit) as NotificationRecord[];
  }

  async appendAudit(entry: Omit<AuditRecord, 'id' | 'at'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO audit_log (id, at, actor, action, resource, resource_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        newId(),
        now(),
        entry.actor,
        entry.action,
        entry.resource,
        entry.resource_id,
        entry.detail ? JSON.stringify(entry.detail) : null,
      );
  }

  async listAudit(limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const key = cursor ? decodeCursor(cursor) : undefined;
    const params: Row = { limit: limit + 1 };
    if (key) Object.assign(params, { cursorAt: key.at, cursorId: key.id });

    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log
         ${key ? 'WHERE (at < @cursorAt OR (at = @cursorAt AND id < @cursorId))' : ''}
         ORDER BY at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Row[];
    const records = rows.map((row) => ({
      ...(row as unknown as AuditRecord),
      detail: parseJson(row['detail']),
    }));

    return toPage(records, limit, (record) => ({ at: record.at, id: record.id }));
  }

  async getMaintenance(): Promise<MaintenanceState> {
    const row = this.db.prepare(`SELECT value FROM settings WHERE key = 'maintenance'`).get() as
      Row | undefined;
    const stored = parseJson(row?.['value']) as MaintenanceState | null;

    return (
      stored ?? {
        enabled: false,
        message: DEFAULT_MAINTENANCE_MESSAGE,
        updated_by: null,
        updated_at: null,
      }
    );
  }

  async setMaintenance(state: Omit<MaintenanceState, 'updated_at'>): Promise<MaintenanceState> {
    const record: MaintenanceState = { ...state, updated_at: now() };
    this.db
      .prepare(
        `INSERT INTO settings (key, value) VALUES ('maintenance', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      )
      .run(JSON.stringify(record));

    return record;
  }
}
