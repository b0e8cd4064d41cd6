// A real HTTP server playing the control API's internal routes for the media core: the call
// context, the events route (stores each event id once) and hand-off requests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as the peer stored it. */
export interface StoredEvent {
  id: string;
  type: string;
  at: string;
  payload: Record<string, unknown>;
}

/** The running peer and what it received. */
export class ControlPeer {
  /** Events per call id, in arrival order, each id once. */
  readonly events = new Map<string, StoredEvent[]>();
  /** Hand-offs asked for. */
  readonly handoffs: Array<{ callId: string; reason: string }> = [];
  /** Lead per call id served by the context route. */
  readonly leads = new Map<string, { name: string; language: string }>();
  private readonly waiters: Array<() => void> = [];
  private readonly server = createServer(
    (request, response) => void this.handle(request, response),
  );

  constructor(private readonly token: string) {}

  /** `http://127.0.0.1:PORT`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Starts listening on a free port. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** Events of a call of one type. */
  of(callId: string, type: string): StoredEvent[] {
    return (this.events.get(callId) ?? []).filter((event) => event.type === type);
  }

  /** Resolves once an event of `type` arrived for the call (or rejects after `timeoutMs`). */
  async waitFor(callId: string, type: string, timeoutMs: number): Promise<StoredEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.of(callId, type)[0];
      if (found !== undefined) return found;
      if (performance.now() > deadline) throw new Error(`no ${type} event for ${callId}`);

      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    if (request.headers.authorization !== `Bearer ${this.token}`) return send(response, 401, {});

    const match = /^\/internal\/v1\/calls\/([^/]+)\/(context|events|handoff)$/.exec(
      request.url ?? '',
    );
    if (match === null) return send(response, 404, {});

    const callId = decodeURIComponent(match[1] as string);
    if (match[2] === 'context') return this.context(callId, response);
    if (match[2] === 'handoff') {
      this.handoffs.push({ callId, reason: String((body as { reason?: unknown }).reason) });
      return send(response, 202, {});
    }

    return this.store(callId, (body as { events: StoredEvent[] }).events, response);
  }

  private context(callId: string, response: ServerResponse): void {
    const lead = this.leads.get(callId);
    if (lead === undefined) return send(response, 404, { error: { code: 'not_found' } });

    send(response, 200, {
      call_id: callId,
      lead_id: `lead-${callId}`,
      language: lead.language,
      direction: 'outbound',
      lead: { id: `lead-${callId}`, name: lead.name, language: lead.language },
    });
  }

  private store(callId: string, events: StoredEvent[], response: ServerResponse): void {
    const stored = this.events.get(callId) ?? [];
    let accepted = 0;
    for (const event of events) {
      if (stored.some((known) => known.id === event.id)) continue;

      stored.push(event);
      accepted++;
    }
    this.events.set(callId, stored);
    for (const wake of this.waiters.splice(0)) wake();
    send(response, 200, { accepted, duplicates: events.length - accepted });
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');

  return text === '' ? {} : (JSON.parse(text) as unknown);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
