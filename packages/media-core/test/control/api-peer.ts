// A real HTTP server playing the control API's internal routes, with an idempotent in-memory
// store that outlives restarts of the server (as the real API's database does). Tests stop and
// start it on the same port and tell it to fail the next requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CALL_EVENT_TYPES, type CallEvent } from '../../src/control/index.js';

/** A fault for the next requests. */
interface Fault {
  count: number;
  status: number;
  retryAfterS?: number;
}

/** The peer and what it has stored. */
export class ApiPeer {
  /** Call ids the peer knows (others answer 404). */
  readonly calls = new Set<string>();
  /** Stored events per call, in the order they were first received. */
  readonly stored = new Map<string, CallEvent[]>();
  /** Events received again (same id), not stored again. */
  duplicates = 0;
  /** Every events request: call id and the ids it carried, with the status answered. */
  readonly requests: Array<{ callId: string; ids: string[]; status: number }> = [];
  /** Hand-offs requested. */
  readonly handoffs: Array<{ callId: string; reason: string }> = [];
  /** Delay before answering, in milliseconds. */
  delayMs = 0;
  private readonly faults: Fault[] = [];
  private server?: Server;
  private port = 0;

  constructor(private readonly token: string) {}

  /** `http://127.0.0.1:PORT`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on the same port as before, after a stop). */
  async start(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections, like a crashed or restarting API. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;

    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The next `count` events requests answer `status` (with `Retry-After` when given). */
  failNext(count: number, status: number, retryAfterS?: number): void {
    this.faults.push({ count, status, retryAfterS });
  }

  /** Ids stored for a call, in order. */
  ids(callId: string): string[] {
    return (this.stored.get(callId) ?? []).map((event) => event.id);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return send(response, 401, { error: { code: 'unauthorized', message: 'bad service token' } });
    }

    const match = /^\/internal\/v1\/calls\/([^/]+)\/(context|events|handoff)$/.exec(
      request.url ?? '',
    );
    const callId = decodeURIComponent(match?.[1] ?? '');
    if (match === null || !this.calls.has(callId)) {
      return send(response, 404, { error: { code: 'not_found', message: 'unknown call' } });
    }

    if (match[2] === 'context' && request.method === 'GET') return this.context(callId, response);
    if (match[2] === 'handoff' && request.method === 'POST') {
      this.handoffs.push({ callId, reason: String((body as { reason?: unknown }).reason) });

      return send(response, 202, { status: 'accepted' });
    }
    if (match[2] === 'events' && request.method === 'POST')
      return this.events(callId, body, response);
    send(response, 405, { error: { code: 'method_not_allowed', message: 'method not allowed' } });
  }

  private context(callId: string, response: ServerResponse): void {
    send(response, 200, {
      call_id: callId,
      lead_id: 'lead-1',
      language: 'hi-IN',
      lead: { id: 'lead-1', name: 'Asha', language: 'hi-IN', loan_type: 'home' },
      direction: 'outbound',
    });
  }

  private events(callId: string, body: unknown, response: ServerResponse): void {
    const events = (body as { events?: unknown }).events;
    const ids = Array.isArray(events) ? events.map((event) => String((event as CallEvent).id)) : [];
    const fault = this.faults[0];
    if (fault !== undefined) {
      fault.count -= 1;
      if (fault.count === 0) this.faults.shift();
      this.requests.push({ callId, ids, status: fault.status });
      if (fault.retryAfterS !== undefined)
        response.setHeader('retry-after', String(fault.retryAfterS));

      return send(response, fault.status, {
        error: { code: 'injected', message: 'injected fault' },
      });
    }

    const problem = validate(events);
    this.requests.push({ callId, ids, status: problem === undefined ? 200 : 400 });
    if (problem !== undefined)
      return send(response, 400, { error: { code: 'validation', ...problem } });

    const stored = this.stored.get(callId) ?? [];
    this.stored.set(callId, stored);
    const known = new Set([...this.stored.values()].flat().map((event) => event.id));
    let accepted = 0;
    for (const event of events as CallEvent[]) {
      if (known.has(event.id)) {
        this.duplicates += 1;
        continue;
      }
      known.add(event.id);
      stored.push(event);
      accepted += 1;
    }
    send(response, 200, { accepted, duplicates: ids.length - accepted });
  }
}

/** The events route's rules, answered as the API does: the field and the rule. */
function validate(events: unknown): { message: string; field: string } | undefined {
  if (!Array.isArray(events) || events.length < 1 || events.length > 100) {
    return { field: 'events', message: 'events must be an array of 1..100 events' };
  }
  for (const [index, event] of events.entries()) {
    const { id, type, at } = event as Record<string, unknown>;
    if (typeof id !== 'string' || id === '')
      return { field: `events[${index}].id`, message: 'id is required' };
    if (!(CALL_EVENT_TYPES as readonly unknown[]).includes(type)) {
      return {
        field: `events[${index}].type`,
        message: `events[${index}].type must be a known event type`,
      };
    }
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
      return {
        field: `events[${index}].at`,
        message: `events[${index}].at must be an ISO 8601 time`,
      };
    }
  }

  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');

  return text === '' ? {} : (JSON.parse(text) as unknown);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
