// The outbox's disk side: one append-only JSON-lines journal per call, holding the call's oldest
// undelivered events, plus a dead-letter file. Every file operation of a call runs in order on
// that call's own promise chain, so appends, reads, acknowledgements and removal never overlap.
import { mkdir, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Largest slice of a journal read for one batch, in bytes (bigger than any single event). */
const MAX_READ_BYTES = 1024 * 1024;

/** Name of the dead-letter file inside the outbox folder. */
export const DEAD_LETTER_FILE = 'dead-letters.jsonl';

const JOURNAL_NAME = /^call-([A-Za-z0-9_-]*)\.jsonl$/;

/** One call's journal. */
interface Journal {
  callId: string;
  path: string;
  /** Holds `ackOffset` in decimal. */
  ackPath: string;
  /** Bytes at the start of the file already delivered. */
  ackOffset: number;
  /** Bytes written to the file so far. */
  sizeBytes: number;
  /** Lines not yet written and fsync'd (a write in progress included), oldest first. */
  buffer: string[];
  /** Undelivered events: in the file after `ackOffset`, plus those in `buffer`. */
  pendingEvents: number;
  /** The call's file operations, in order. */
  chain: Promise<void>;
  /** Operations queued on `chain` and not finished. */
  ops: number;
}

/** Lines read from the head of a journal. */
export interface JournalBatch {
  /** JSON lines, oldest first, without their newline. */
  lines: string[];
  /** Bytes they take in the file (what to acknowledge once they are delivered). */
  bytes: number;
}

/** A journal found at start-up. */
export interface RecoveredJournal {
  /** The call it belongs to. */
  callId: string;
  /** Undelivered events in it. */
  pendingEvents: number;
}

/** Appends lines (each given without its newline) to a file in one write, fsync'd. */
export async function appendLines(path: string, lines: readonly string[]): Promise<void> {
  const file = await open(path, 'a');
  try {
    await file.write(lines.map((line) => line + '\n').join(''));
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Bytes a line takes in a journal, newline included. */
export function lineBytes(line: string): number {
  return Buffer.byteLength(line) + 1;
}

/**
 * Per-call journals under one folder.
 *
 * Limit: one process per folder; nothing locks it, so two media cores sharing a folder would
 * interleave appends and acknowledgements and could re-send or skip events. Give each replica
 * its own `outboxDir`.
 * Limit: a journal is compacted only by deletion once all of it is delivered; a call whose API
 * stays half-up keeps its delivered prefix on disk until then, and start-up reads each
 * journal whole.
 */
export class JournalStore {
  private readonly journals = new Map<string, Journal>();
  private flushTimer: NodeJS.Timeout | undefined;
  private deadLetterChain: Promise<void> = Promise.resolve();
  private writeFailureLogged = false;

  /**
   * @param dir folder of the journals (created if missing)
   * @param flushIntervalMs how long appended lines wait to be written and fsync'd together
   */
  constructor(
    readonly dir: string,
    private readonly flushIntervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Creates the folder and lists the journals a previous run left, repairing torn tails. */
  async recover(): Promise<RecoveredJournal[]> {
    await mkdir(this.dir, { recursive: true });
    const recovered: RecoveredJournal[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const match = JOURNAL_NAME.exec(name);
      if (!match) continue;

      const journal = await this.load(Buffer.from(match[1] ?? '', 'base64url').toString('utf8'));
      if (journal.pendingEvents > 0)
        recovered.push({ callId: journal.callId, pendingEvents: journal.pendingEvents });
    }

    return recovered;
  }

  /** Appends lines to a call's journal; they are written and fsync'd with the next batch. */
  append(callId: string, lines: readonly string[]): void {
    const journal = this.journal(callId);
    journal.buffer.push(...lines);
    journal.pendingEvents += lines.length;
    // One timer for all journals: appends within `flushIntervalMs` share one write and fsync.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
  }

  /** Undelivered events of a call on disk or about to be (0 when it has no journal). */
  pendingEvents(callId: string): number {
    return this.journals.get(callId)?.pendingEvents ?? 0;
  }

  /** Events appended but not yet written and fsync'd (buffered or mid-write), across calls. */
  unflushedEvents(): number {
    let count = 0;
    for (const journal of this.journals.values()) count += journal.buffer.length;

    return count;
  }

  /** Writes and fsyncs every buffered line now. */
  async flush(): Promise<void> {
    const writes = [...this.journals.values()]
      .filter((journal) => journal.buffer.length > 0)
      .map((journal) =>
        this.run(journal, () => this.writeBuffered(journal)).catch(() => undefined),
      );
    await Promise.all(writes);
  }

  /**
   * Reads up to `maxEvents` lines from the head of a call's journal (buffered lines first written).
   */
  readBatch(callId: string, maxEvents: number): Promise<JournalBatch> {
    const journal = this.journal(callId);

    return this.run(journal, async () => {
      await this.writeBuffered(journal);

      return this.readHead(journal, maxEvents);
    });
  }

  /**
   * Marks `bytes` (`events` events) at the head of the journal delivered. A journal whose every
   * event is delivered is deleted.
   */
  acknowledge(callId: string, bytes: number, events: number): Promise<void> {
    const journal = this.journal(callId);

    return this.run(journal, async () => {
      await this.writeBuffered(journal);
      journal.ackOffset += bytes;
      journal.pendingEvents -= events;
      if (journal.ackOffset < journal.sizeBytes || journal.buffer.length > 0) {
        // Not fsync'd: a lost acknowledgement only re-sends delivered events, which the API
        // recognises by id and does not store twice.
        await writeFile(journal.ackPath, String(journal.ackOffset));

        return;
      }
      await rm(journal.path, { force: true });
      await rm(journal.ackPath, { force: true });
      journal.ackOffset = 0;
      journal.sizeBytes = 0;
    });
  }

  /** Appends one record to the dead-letter file, fsync'd. */
  deadLetter(record: Record<string, unknown>): Promise<void> {
    const path = join(this.dir, DEAD_LETTER_FILE);
    const done = this.deadLetterChain.then(() => appendLines(path, [JSON.stringify(record)]));
    this.deadLetterChain = done.catch(() => undefined);

    return done;
  }

  /** Stops the flush timer and writes what is buffered. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
    await this.deadLetterChain;
  }

  private journal(callId: string): Journal {
    let journal = this.journals.get(callId);
    if (journal === undefined) {
      const base = join(this.dir, `call-${Buffer.from(callId).toString('base64url')}`);
      journal = {
        callId,
        path: `${base}.jsonl`,
        ackPath: `${base}.ack`,
        ackOffset: 0,
        sizeBytes: 0,
        buffer: [],
        pendingEvents: 0,
        chain: Promise.resolve(),
        ops: 0,
      };
      this.journals.set(callId, journal);
    }

    return journal;
  }

  /** Runs `op` after the call's earlier file operations; forgets an empty, idle journal. */
  private run<T>(journal: Journal, op: () => Promise<T>): Promise<T> {
    journal.ops += 1;
    const result = journal.chain.then(op);
    journal.chain = result.then(
      () => this.settle(journal),
      () => this.settle(journal),
    );

    return result;
  }

  private settle(journal: Journal): void {
    journal.ops -= 1;
    const idle = journal.ops === 0 && journal.pendingEvents === 0 && journal.buffer.length === 0;
    if (idle && this.journals.get(journal.callId) === journal) this.journals.delete(journal.callId);
  }

  /**
   * Writes the buffered lines in one append and fsyncs them. They leave the buffer only once
   * that is done, so until then they count as unflushed, and on failure they are still there.
   */
  private async writeBuffered(journal: Journal): Promise<void> {
    if (journal.buffer.length === 0) return;

    const lines = journal.buffer.slice();
    const created = journal.sizeBytes === 0;
    try {
      await appendLines(journal.path, lines);
      if (created) await this.syncDir();
    } catch (error) {
      if (!this.writeFailureLogged)
        this.log.error({ err: error, dir: this.dir }, 'outbox journal write failed');
      this.writeFailureLogged = true;
      throw error;
    }
    journal.buffer.splice(0, lines.length);
    journal.sizeBytes += lines.reduce((bytes, line) => bytes + lineBytes(line), 0);
    this.writeFailureLogged = false;
  }

  /** A new file's name survives a power cut only once its folder is fsync'd too. */
  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private async readHead(journal: Journal, maxEvents: number): Promise<JournalBatch> {
    const lengthBytes = Math.min(journal.sizeBytes - journal.ackOffset, MAX_READ_BYTES);
    if (lengthBytes <= 0) return { lines: [], bytes: 0 };

    const file = await open(journal.path, 'r');
    const chunk = Buffer.alloc(lengthBytes);
    try {
      await file.read(chunk, 0, lengthBytes, journal.ackOffset);
    } finally {
      await file.close();
    }

    const lines: string[] = [];
    let bytes = 0;
    for (let start = 0; lines.length < maxEvents;) {
      const end = chunk.indexOf(0x0a, start);
      if (end < 0) break;
      lines.push(chunk.subarray(start, end).toString('utf8'));
      bytes += end + 1 - start;
      start = end + 1;
    }

    return { lines, bytes };
  }

  /** Loads a journal left by an earlier run, cutting a line torn by a crash mid-write. */
  private async load(callId: string): Promise<Journal> {
    const journal = this.journal(callId);
    const content = await readFile(journal.path);
    const acked = Number.parseInt(await readFile(journal.ackPath, 'utf8').catch(() => '0'), 10);
    journal.ackOffset =
      Number.isInteger(acked) && acked >= 0 && acked <= content.length ? acked : 0;

    const complete = content.lastIndexOf(0x0a) + 1;
    if (complete < content.length) {
      this.log.warn(
        { callId, tornBytes: content.length - complete },
        'outbox journal had a torn last line',
      );
      await truncate(journal.path, complete);
    }
    journal.sizeBytes = complete;
    // An offset that is not at a line start is a torn acknowledgement: start over, the API
    // drops the events it already has by id.
    const atLineStart = journal.ackOffset === 0 || content[journal.ackOffset - 1] === 0x0a;
    journal.ackOffset = atLineStart ? Math.min(journal.ackOffset, complete) : 0;
    const pending = content.subarray(journal.ackOffset, complete);
    journal.pendingEvents = pending.filter((byte) => byte === 0x0a).length;
    if (journal.pendingEvents === 0) {
      await rm(journal.path, { force: true });
      await rm(journal.ackPath, { force: true });
      this.journals.delete(callId);
    }

    return journal;
  }
}
