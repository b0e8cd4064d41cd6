// The control API's internal routes as the voice agent calls them (GET …/context, POST
// …/events, POST …/handoff), on a real HTTP server on 127.0.0.1, so the agent's control client
// and outbox run during the soak as they do in production. It keeps a few figures per call,
// not the events, and keeps every call it was told of: an event posted late must find its call,
// or the agent's outbox would retry it and the soak would measure the bench's doing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the peer saw of one call. */
export interface PeerCall {
  /** Language the context route answered with. */
  language: string;
  /** Events stored (each id once). */
  events: number;
  /** A `call_ended` event arrived. */
  ended: boolean;
  /** The `outcome` event's outcome, when one arrived. */
  outcome?: string;
  /** Hand-offs the agent asked for. */
  handoffs: number;
}

/** Largest request body the peer reads, bytes (the events route carries at most 100 events). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Event ids remembered per call, to store each once as the real API does. */
type SeenIds = Set<string>;

/** A control API peer for the soak run. */
export class ControlPeer {
  private readonly calls = new Map<string, PeerCall & { seen: SeenIds }>();
  private readonly server = createServer((request, response) => {
    this.handle(request, response).catch(() => send(response, 400, {}));
  });
  private closing: Promise<void> | undefined;

  private constructor(private readonly token: string) {}

  /** Starts a peer on a free port of 127.0.0.1 that accepts `token` only. */
  static async start(token: string): Promise<ControlPeer> {
    const peer = new ControlPeer(token);
    await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));

    return peer;
  }

  /** `http://127.0.0.1:PORT`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Announces a call, so the context route knows its lead and language. */
  expect(callId: string, language: string): void {
    this.calls.set(callId, { language, events: 0, ended: false, handoffs: 0, seen: new Set() });
  }

  /** Resolves with the call once its `call_ended` arrived, or as it stands after `timeoutMs`. */
  async waitForEnd(callId: string, timeoutMs: number): Promise<PeerCall | undefined> {
    const deadline = performance.now() + timeoutMs;
    // Why polling: the outbox posts at most a few times per call, so a 50 ms poll costs
    // nothing and needs no waiter list that a lost call could leave behind.
    while (this.calls.get(callId)?.ended !== true && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    return this.view(callId);
  }

  /** Stops the server, cutting open connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });

    return this.closing;
  }

  private view(callId: string): PeerCall | undefined {
    const call = this.calls.get(callId);
    if (call === undefined) return undefined;

    const { seen: _seen, ...figures } = call;

    return figures;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    if (request.headers.authorization !== `Bearer ${this.token}`) return send(response, 401, {});

    const match = /^\/internal\/v1\/calls\/([^/]+)\/(context|events|handoff)$/.exec(
      request.url ?? '',
    );
    const call = match === null ? undefined : this.calls.get(decodeURIComponent(match[1] ?? ''));
    if (match === null || call === undefined) {
      return send(response, 404, { error: { code: 'not_found' } });
    }

    const callId = decodeURIComponent(match[1] ?? '');
    if (match[2] === 'context') return send(response, 200, context(callId, call.language));
    if (match[2] === 'handoff') {
      call.handoffs++;
      return send(response, 202, {});
    }

    return send(response, 200, store(call, body));
  }
}

/** The context route's answer: an outbound call to a lead in `language`. */
function context(callId: string, language: string): Record<string, unknown> {
  const lead = { id: `lead-${callId}`, name: 'Rahul Sharma', language };

  return { call_id: callId, lead_id: lead.id, language, direction: 'outbound', lead };
}

/** Stores each event id once, as the control API does; counts and reads the ones we report. */
function store(
  call: PeerCall & { seen: SeenIds },
  body: unknown,
): { accepted: number; duplicates: number } {
  const events = ((body as { events?: unknown }).events ?? []) as Array<{
    id?: string;
    type?: string;
    payload?: Record<string, unknown>;
  }>;
  let accepted = 0;
  for (const event of events) {
    if (typeof event.id !== 'string' || call.seen.has(event.id)) continue;

    call.seen.add(event.id);
    accepted++;
    if (event.type === 'call_ended') call.ended = true;
    if (event.type === 'outcome') call.outcome = String(event.payload?.['outcome']);
  }
  call.events += accepted;

  return { accepted, duplicates: events.length - accepted };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES)
      throw new RangeError(`body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');

  return text === '' ? {} : (JSON.parse(text) as unknown);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;

  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
