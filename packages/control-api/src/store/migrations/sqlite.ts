// SQLite schema migrations, applied in order once each and recorded in `migrations`.

/** One schema step. */
export interface Migration {
  /** Strictly increasing version. */
  version: number;
  /** What it does. */
  name: string;
  /** SQL run in one transaction. */
  sql: string;
}

/** Every migration, oldest first. Never edit a released one: add a new one. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'ops', 'viewer')),
        created_at TEXT NOT NULL
      );
      CREATE TABLE leads (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT NOT NULL UNIQUE,
        language TEXT NOT NULL,
        loan_type TEXT,
        status TEXT NOT NULL,
        do_not_call INTEGER NOT NULL DEFAULT 0,
        consent INTEGER NOT NULL DEFAULT 0,
        time_zone TEXT,
        notes TEXT,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX leads_phone_status ON leads (phone, status);
      CREATE INDEX leads_status_created ON leads (status, created_at DESC, id DESC);
      CREATE INDEX leads_created ON leads (created_at DESC, id DESC);
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE RESTRICT,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        status TEXT NOT NULL,
        twilio_sid TEXT UNIQUE,
        from_number TEXT NOT NULL,
        to_number TEXT NOT NULL,
        language TEXT NOT NULL,
        created_by TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        duration_s INTEGER,
        outcome TEXT,
        facts TEXT NOT NULL DEFAULT '{}',
        latency_summary TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX calls_lead_created ON calls (lead_id, created_at DESC, id DESC);
      CREATE INDEX calls_created ON calls (created_at DESC, id DESC);
      CREATE INDEX calls_status_created ON calls (status, created_at DESC, id DESC);
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('caller', 'agent')),
        text TEXT NOT NULL,
        confidence REAL,
        at TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX conversations_call ON conversations (call_id, at);
      CREATE TABLE call_events (
        id TEXT PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
      CREATE INDEX call_events_call ON call_events (call_id, at);
      CREATE TABLE handoffs (
        id TEXT PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        requested_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        ended_at TEXT,
        duration_s INTEGER,
        error TEXT
      );
      CREATE INDEX handoffs_call ON handoffs (call_id, requested_at);
      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        lead_id TEXT REFERENCES leads (id) ON DELETE SET NULL,
        call_id TEXT REFERENCES calls (id) ON DELETE SET NULL,
        channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
        destination TEXT NOT NULL,
        template TEXT,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        provider_message_id TEXT,
        attempts INTEGER NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX notifications_created ON notifications (created_at DESC, id DESC);
      CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        resource_id TEXT,
        detail TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];
