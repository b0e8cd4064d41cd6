// The outbox between call sessions and the control API: `enqueue` returns at once; delivery is
// batched per call, in order per call, retried with backoff, and spilled to a journal on disk
// while the API is down, so a restart of either side loses nothing.
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';

import { retryDelayMs, type BackoffOptions } from './backoff.js';
import { ControlApiError, isRefusal } from './errors.js';
import type { CallEvent, EventSink, NewCallEvent } from './events.js';
import { JournalStore, lineBytes } from './journal.js';
import { outboxMetrics, type OutboxMetrics } from './metrics.js';

/** Options of `Outbox.open`. */
export interface OutboxOptions {
  /** Where events go: a `ControlClient`. */
  sink: EventSink;
  /** Folder of the journals and the dead-letter file (default `./data/outbox`). */
  outboxDir?: string;
  /** Registry for the outbox's metrics (default: a private one). */
  registry?: Registry;
  /** Logger (default: silent). */
  log?: Logger;
  /** Most events per request (default 100, the API's bound). */
  maxBatchEvents?: number;
  /**
   * Events held in memory across calls before the call adding one spills to disk (default 10000).
   */
  maxMemoryEvents?: number;
  /** Largest serialised event in bytes; bigger ones are dead-lettered at once (default 65536). */
  maxEventBytes?: number;
  /** Calls delivered at the same time while the API is healthy (default 4). */
  concurrency?: number;
  /** How long a new event waits for others to share its request, in milliseconds (default 10). */
  lingerMs?: number;
  /** How long spilled events wait to share one write and fsync, in milliseconds (default 50). */
  flushIntervalMs?: number;
  /** First retry delay in milliseconds, before jitter (default 250). */
  baseDelayMs?: number;
  /** Bound on any retry delay, `Retry-After` included, in milliseconds (default 30000). */
  maxDelayMs?: number;
}

/** Options of `Outbox.close`. */
export interface OutboxCloseOptions {
  /** How long to keep delivering before persisting the rest, in milliseconds (default 5000). */
  deadlineMs?: number;
}

/** Where the outbox's events are. */
export interface OutboxStats {
  /** Events held in memory. */
  memoryEvents: number;
  /** Events in journals (written or about to be). */
  diskEvents: number;
  /** Journal events not yet written and fsync'd. */
  unflushedEvents: number;
  /** Batches being delivered now. */
  inFlightBatches: number;
  /** Failed attempts since the last success. */
  consecutiveFailures: number;
}

/** An event waiting in memory, already serialised (the same line the journal would hold). */
interface QueuedEvent {
  line: string;
  bytes: number;
}

/** One request's worth of a call's events. */
interface Batch {
  /** Memory queue or journal head. A spill while in flight turns a memory batch into a disk one. */
  source: 'memory' | 'disk';
  /** Queue entries or journal lines it covers. */
  count: number;
  /** Journal bytes it covers (disk batches). */
  bytes: number;
  /** The events to post. */
  events: CallEvent[];
  /** Journal lines that did not parse (dead-lettered, never posted). */
  corrupt: string[];
}

/** A call's undelivered events. Invariant: while `onDisk`, `memory` is empty. */
interface CallQueue {
  callId: string;
  memory: QueuedEvent[];
  /** The journal holds the call's oldest undelivered events, so new ones must follow them there. */
  onDisk: boolean;
  /** A batch of this call is in flight (one at a time keeps the call's events in order). */
  busy: boolean;
  /** The batch in flight. */
  batch?: Batch;
  /**
   * After the API refused a whole batch: send this many events one by one to single out the bad
   * ones.
   */
  isolate: number;
}

/** Delivers call events to the control API, at least once and in order per call. */
export class Outbox {
  private readonly calls = new Map<string, CallQueue>();
  private readonly deliveries = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly store: JournalStore;
  private readonly metrics: OutboxMetrics;
  private readonly log: Logger;
  private readonly backoff: BackoffOptions;
  private memoryEvents = 0;
  private consecutiveFailures = 0;
  private retryAtMs = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumpDueMs = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private closed = false;
  private closing?: Promise<void>;

  private constructor(private readonly options: OutboxOptions) {
    this.log = options.log ?? pino({ level: 'silent' });
    this.metrics = outboxMetrics(options.registry ?? new Registry());
    this.store = new JournalStore(
      options.outboxDir ?? './data/outbox',
      options.flushIntervalMs ?? 50,
      this.log,
    );
    this.backoff = {
      baseDelayMs: options.baseDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 30_000,
    };
  }

  /** Opens the outbox on its folder and starts re-sending what an earlier run left there. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options);
    const recovered = await outbox.store.recover();
    let events = 0;
    for (const journal of recovered) {
      outbox.queue(journal.callId).onDisk = true;
      events += journal.pendingEvents;
    }

    outbox.metrics.pending.inc(events);
    if (recovered.length > 0) {
      outbox.log.info({ calls: recovered.length, events }, 'outbox re-sending events left on disk');
      outbox.schedulePump(0);
    }

    return outbox;
  }

  // Limit: while the API answers, events live only in memory between `enqueue` and delivery
  // (typically one linger plus one round trip, tens of ms); a SIGKILL in that window loses them.
  // Writing every event ahead to the journal would close the window at one fsync per batch.
  /**
   * Queues an event of a call and returns its id. Never blocks and never throws on delivery
   * problems: it only serialises the event and appends it to a queue; I/O happens later.
   */
  enqueue(callId: string, event: NewCallEvent): string {
    const full: CallEvent = {
      id: event.id ?? randomUUID(),
      type: event.type,
      at: event.at ?? new Date().toISOString(),
      payload: event.payload ?? {},
    };
    const line = this.serialise(callId, full);
    if (line === undefined) return full.id;

    this.metrics.pending.inc();
    const call = this.queue(callId);
    if (call.onDisk || this.closed) {
      this.toJournal(call, [line]);
    } else {
      call.memory.push({ line, bytes: lineBytes(line) });
      this.memoryEvents += 1;
      // At the bound the call that adds an event moves its queue to disk: memory stays bounded
      // and nothing is dropped.
      if (this.memoryEvents > (this.options.maxMemoryEvents ?? 10_000)) this.spill(call);
    }
    // After close() only the journal takes events: they are written now and sent next run.
    if (this.closed) void this.store.flush();
    else this.schedulePump(this.options.lingerMs ?? 10);

    return full.id;
  }

  /** Where the events are now. */
  stats(): OutboxStats {
    let diskEvents = 0;
    for (const call of this.calls.values()) diskEvents += this.store.pendingEvents(call.callId);

    return {
      memoryEvents: this.memoryEvents,
      diskEvents,
      unflushedEvents: this.store.unflushedEvents(),
      inFlightBatches: this.deliveries.size,
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  /**
   * Delivers what it can until `deadlineMs`, then cuts requests in flight and persists every
   * undelivered event to disk for the next run. `deadlineMs: 0` persists at once. Idempotent.
   */
  close(options: OutboxCloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.deadlineMs ?? 5000);

    return this.closing;
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    if (deadlineMs > 0) await this.waitIdle(deadlineMs);

    this.stopped = true;
    clearTimeout(this.pumpTimer);
    this.abort.abort();
    await Promise.all([...this.deliveries]);

    for (const call of this.calls.values()) this.spill(call);
    this.closed = true;
    await this.store.close();
    this.log.info({ persistedEvents: this.stats().diskEvents }, 'outbox closed');
  }

  /** Serialises an event; one that cannot be sent as it is goes to the dead-letter file. */
  private serialise(callId: string, event: CallEvent): string | undefined {
    let line: string;
    try {
      line = JSON.stringify(event);
    } catch (error) {
      this.deadLetter(
        callId,
        { id: event.id, type: event.type },
        'payload is not JSON-serialisable',
        error,
      );

      return undefined;
    }

    const maxBytes = this.options.maxEventBytes ?? 65_536;
    if (Buffer.byteLength(line) > maxBytes) {
      this.deadLetter(callId, { id: event.id, type: event.type }, `event over ${maxBytes} bytes`);

      return undefined;
    }

    return line;
  }

  private queue(callId: string): CallQueue {
    let call = this.calls.get(callId);
    if (call === undefined) {
      call = { callId, memory: [], onDisk: false, busy: false, isolate: 0 };
      this.calls.set(callId, call);
    }

    return call;
  }

  private toJournal(call: CallQueue, lines: string[]): void {
    this.store.append(call.callId, lines);
    this.metrics.spilled.inc(lines.length);
    call.onDisk = true;
  }

  /** Moves a call's memory queue to its journal; later events of the call follow it there. */
  private spill(call: CallQueue): void {
    if (call.memory.length === 0) return;

    const moved = call.memory.splice(0);
    this.memoryEvents -= moved.length;
    this.toJournal(
      call,
      moved.map((event) => event.line),
    );
    // A memory batch in flight heads what was just written, so its outcome now settles the
    // journal's head: on success those bytes are acknowledged instead of sent again.
    const batch = call.batch;
    if (batch?.source === 'memory') {
      batch.source = 'disk';
      batch.bytes = moved.slice(0, batch.count).reduce((sum, event) => sum + event.bytes, 0);
    }
  }

  private schedulePump(delayMs: number): void {
    if (this.stopped) return;

    const dueMs = Math.max(Date.now() + delayMs, this.retryAtMs);
    if (this.pumpTimer !== undefined && this.pumpDueMs <= dueMs) return;
    clearTimeout(this.pumpTimer);
    this.pumpDueMs = dueMs;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, dueMs - Date.now());
  }

  /** Starts deliveries: up to `concurrency` calls, or a single probe while the API is failing. */
  private pump(): void {
    if (this.stopped) return;
    if (Date.now() < this.retryAtMs) return this.schedulePump(0);

    const limit = this.consecutiveFailures > 0 ? 1 : (this.options.concurrency ?? 4);
    for (const call of [...this.calls.values()]) {
      if (this.deliveries.size >= limit) break;
      if (call.busy || !hasWork(call)) continue;

      // Round robin: the call just served goes to the back of the line.
      this.calls.delete(call.callId);
      this.calls.set(call.callId, call);
      const delivery = this.deliver(call);
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
    }
  }

  private async deliver(call: CallQueue): Promise<void> {
    call.busy = true;
    let batch: Batch | undefined;
    try {
      batch = await this.takeBatch(call);
      call.batch = batch;
      await this.send(call, batch);
      await this.advance(call, batch);
      this.metrics.delivered.inc(batch.events.length);
      this.succeeded();
    } catch (error) {
      await this.failed(call, batch, error).catch((failure: unknown) => {
        this.log.error({ err: failure, callId: call.callId }, 'outbox failure handling failed');
      });
    } finally {
      call.batch = undefined;
      call.busy = false;
      if (!hasWork(call)) this.calls.delete(call.callId);
      this.schedulePump(0);
      this.notifyIfIdle();
    }
  }

  private async takeBatch(call: CallQueue): Promise<Batch> {
    const size = call.isolate > 0 ? 1 : (this.options.maxBatchEvents ?? 100);
    if (!call.onDisk) {
      const lines = call.memory.slice(0, size).map((event) => event.line);

      return { ...parseLines(lines), source: 'memory', count: lines.length, bytes: 0 };
    }

    const head = await this.store.readBatch(call.callId, size);

    return {
      ...parseLines(head.lines),
      source: 'disk',
      count: head.lines.length,
      bytes: head.bytes,
    };
  }

  private async send(call: CallQueue, batch: Batch): Promise<void> {
    for (const line of batch.corrupt)
      this.deadLetter(call.callId, { line }, 'journal line is not a call event');
    if (batch.events.length === 0) return;

    await this.options.sink.postEvents(call.callId, batch.events, this.abort.signal);
  }

  /** Drops a settled batch (delivered or dead-lettered) from the head of its queue. */
  private async advance(call: CallQueue, batch: Batch): Promise<void> {
    if (batch.source === 'memory') {
      call.memory.splice(0, batch.count);
      this.memoryEvents -= batch.count;
    } else {
      await this.store.acknowledge(call.callId, batch.bytes, batch.count);
      // Checked after the await, with no await before the assignment: an event enqueued in
      // between went to the journal, keeps it non-empty, and so keeps the call on disk.
      if (this.store.pendingEvents(call.callId) === 0) call.onDisk = false;
    }

    this.metrics.pending.dec(batch.count);
    call.isolate = Math.max(0, call.isolate - batch.count);
  }

  private succeeded(): void {
    if (this.consecutiveFailures > 0) {
      this.log.info({ failedAttempts: this.consecutiveFailures }, 'control API delivery recovered');
    }
    this.consecutiveFailures = 0;
    this.retryAtMs = 0;
  }

  private async failed(call: CallQueue, batch: Batch | undefined, error: unknown): Promise<void> {
    if (batch !== undefined && isRefusal(error)) return this.refused(call, batch, error);

    const failure = error instanceof ControlApiError ? error : undefined;

    // The batch stays where it is; memory events go to disk so the wait for the API is durable.
    this.spill(call);
    if (this.stopped) return;

    this.consecutiveFailures += 1;
    this.metrics.retries.inc();
    const delayMs = retryDelayMs(this.consecutiveFailures, this.backoff, failure?.retryAfterMs);
    this.retryAtMs = Date.now() + delayMs;
    if (this.consecutiveFailures === 1) {
      const fields = {
        err: error,
        code: failure?.code,
        status: failure?.status,
        callId: call.callId,
      };
      this.log.warn(fields, 'control API delivery failing: events wait on disk');
    }
  }

  /** The API refused the events as they are: isolate the bad ones, then dead-letter them. */
  private async refused(call: CallQueue, batch: Batch, failure: ControlApiError): Promise<void> {
    if (batch.events.length > 1) {
      call.isolate = batch.count;

      return;
    }

    const [event] = batch.events;
    this.deadLetter(call.callId, { event }, failure.message, failure);
    await this.advance(call, batch);
  }

  /** Records an event the API will never take, with the reason; logged once, here. */
  private deadLetter(
    callId: string,
    record: Record<string, unknown>,
    reason: string,
    error?: unknown,
  ): void {
    this.metrics.deadLetters.inc();
    const status = error instanceof ControlApiError ? error.status : undefined;
    const code = error instanceof ControlApiError ? error.code : undefined;
    this.log.error({ callId, reason, status, code }, 'call event dead-lettered');

    const entry = { at: new Date().toISOString(), callId, reason, status, code, ...record };
    this.store.deadLetter(entry).catch((failure: unknown) => {
      this.log.error({ err: failure, callId }, 'dead-letter write failed');
    });
  }

  private waitIdle(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();

    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private isIdle(): boolean {
    return this.deliveries.size === 0 && ![...this.calls.values()].some(hasWork);
  }

  private notifyIfIdle(): void {
    // `deliver` runs its `finally` before the set drops it, hence the `<= 1`.
    if (this.deliveries.size > 1 || [...this.calls.values()].some(hasWork)) return;

    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function hasWork(call: CallQueue): boolean {
  return call.memory.length > 0 || call.onDisk;
}

/** Parses serialised events; lines that are not call events are set apart. */
function parseLines(lines: string[]): { events: CallEvent[]; corrupt: string[] } {
  const events: CallEvent[] = [];
  const corrupt: string[] = [];
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as CallEvent;
      if (typeof event?.id === 'string' && typeof event.type === 'string') events.push(event);
      else corrupt.push(line);
    } catch {
      corrupt.push(line);
    }
  }

  return { events, corrupt };
}
