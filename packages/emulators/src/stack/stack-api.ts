// What a demo or test does to the stack's control API, over HTTP as any client would: create
// the first admin with `voice-admin` (it needs no token), log in, add a lead, place a call and
// read the call record back.
import { spawn } from 'node:child_process';

import { StackError } from './errors.js';
import { binScript } from './workspace.js';

/** A conversation turn of the call record. */
export interface CallTurn {
  /** Event id the turn came with (its idempotency key). */
  id: string;
  /** `caller` or `agent`. */
  role: string;
  /** What was said (for the agent: what the caller heard). */
  text: string;
  /** Recognition confidence of a caller turn. */
  confidence: number | null;
  /** ISO time. */
  at: string;
}

/** One event of the call's log, as the media core sent it. */
export interface CallEventRecord {
  /** Idempotency key. */
  id: string;
  /** `turn`, `bargein`, `asr_failover`, `fact`, `outcome`, `call_ended`… */
  type: string;
  /** ISO time. */
  at: string;
  /** What the media core reported. */
  payload: Record<string, unknown>;
}

/** `GET /api/v1/calls/:id`: the call with its conversation. */
export interface CallDetail {
  /** Call id. */
  id: string;
  /** Twilio status. */
  status: string;
  /** Twilio CallSid. */
  twilio_sid: string | null;
  /** Outcome as the media core reported it. */
  outcome: Record<string, unknown> | null;
  /** Facts by name. */
  facts: Record<string, unknown>;
  /** Per-stage latency summary. */
  latency_summary: Record<string, unknown> | null;
  /** Conversation turns, in order. */
  turns: CallTurn[];
  /** Every event, in order. */
  events: CallEventRecord[];
  /** Hand-offs of the call. */
  handoffs: Array<Record<string, unknown>>;
}

/** Creates a user straight in the store with `voice-admin users create`. */
export async function createUserWithCli(
  env: NodeJS.ProcessEnv,
  user: { username: string; password: string; role: 'admin' | 'ops' | 'viewer' },
): Promise<void> {
  const script = binScript('@voice-agent/admin-cli', 'voice-admin');
  const args = ['users', 'create', '--username', user.username, '--role', user.role];
  const child = spawn(process.execPath, [script, ...args, '--password-stdin'], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin.end(user.password);

  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) {
    throw new StackError('STACK_COMMAND_FAILED', `voice-admin users create: ${stderr.trim()}`);
  }
}

/** A logged-in client of the control API. */
export class StackApi {
  #token: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** Logs in; later requests carry the access token. */
  async login(username: string, password: string): Promise<void> {
    const body = await this.request<{ access_token: string }>('POST', '/api/v1/auth/login', {
      username,
      password,
    });
    this.#token = body.access_token;
  }

  /** Creates a lead; returns its id. */
  async createLead(lead: Record<string, unknown>): Promise<string> {
    return (await this.request<{ id: string }>('POST', '/api/v1/leads', lead)).id;
  }

  /** Places an outbound call to a lead; returns the call id. */
  async placeCall(leadId: string): Promise<string> {
    return (await this.request<{ id: string }>('POST', '/api/v1/calls', { lead_id: leadId })).id;
  }

  /** The call record with turns, events and hand-offs. */
  getCall(callId: string): Promise<CallDetail> {
    return this.request<CallDetail>('GET', `/api/v1/calls/${encodeURIComponent(callId)}`);
  }

  /** One JSON request; an answer other than 2xx rejects with the API's error message. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;

    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new StackError('STACK_API_ERROR', `${method} ${path}: ${response.status} ${text}`);
    }

    return JSON.parse(text) as T;
  }
}
