// Re-sends the outbox's dead letters once their cause is fixed (a call the API did not know yet,
// an event it refused before an upgrade). The API stores each event id once, so a re-send is safe.
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { isRefusal } from './errors.js';
import { isCallEventType, type CallEvent, type EventSink } from './events.js';
import { appendLines, DEAD_LETTER_FILE } from './journal.js';

/** Prefix of a dead-letter file claimed by a re-send (left behind only if the re-send died). */
const CLAIMED_PREFIX = 'dead-letters.resending-';

/** What a re-send did. */
export interface ResendSummary {
  /** Events the API took. */
  resent: number;
  /** Events the API refused again: back in the dead-letter file with the new reason. */
  refused: number;
  /** Records that hold no event to send (too large or not serialisable when they were made). */
  unsendable: number;
  /** Events not tried because the API could not be reached; back in the file unchanged. */
  notTried: number;
  /** Why the re-send stopped early, when the API could not be reached. */
  stoppedBy?: string;
}

interface Letter {
  /** The line as it was in the file. */
  line: string;
  callId?: string;
  event?: CallEvent;
}

/**
 * Re-sends every dead letter in `dir`, one event per request so a refusal names its event.
 * The file is first renamed, so a media core still running there starts a fresh one for its
 * new dead letters; what is refused again or not tried is appended back to it.
 */
export async function resendDeadLetters(dir: string, sink: EventSink): Promise<ResendSummary> {
  const summary: ResendSummary = { resent: 0, refused: 0, unsendable: 0, notTried: 0 };
  const claimed = await claimFiles(dir);

  for (const file of claimed) {
    const kept: string[] = [];
    for (const letter of parseLetters(await readFile(file, 'utf8'))) {
      const { callId, event } = letter;
      if (callId === undefined || event === undefined) {
        summary.unsendable += 1;
        kept.push(letter.line);
        continue;
      }

      const outcome =
        summary.stoppedBy === undefined ? await resendOne(sink, callId, event) : undefined;
      if (outcome === 'resent') {
        summary.resent += 1;
      } else if (outcome?.refused) {
        summary.refused += 1;
        kept.push(outcome.line);
      } else {
        summary.notTried += 1;
        kept.push(letter.line);
        summary.stoppedBy ??= outcome?.reason;
      }
    }

    if (kept.length > 0) await appendLines(join(dir, DEAD_LETTER_FILE), kept);
    await rm(file, { force: true });
  }

  return summary;
}

type Outcome = 'resent' | { refused: true; line: string } | { refused: false; reason: string };

async function resendOne(sink: EventSink, callId: string, event: CallEvent): Promise<Outcome> {
  try {
    await sink.postEvents(callId, [event]);

    return 'resent';
  } catch (error) {
    if (!isRefusal(error)) {
      return { refused: false, reason: error instanceof Error ? error.message : String(error) };
    }

    const record = {
      at: new Date().toISOString(),
      callId,
      reason: error.message,
      status: error.status,
      code: error.code,
      event,
    };

    return { refused: true, line: JSON.stringify(record) };
  }
}

/** Renames the dead-letter file aside and returns it with any claim an earlier re-send left. */
async function claimFiles(dir: string): Promise<string[]> {
  const fresh = join(dir, `${CLAIMED_PREFIX}${Date.now()}.jsonl`);
  await rename(join(dir, DEAD_LETTER_FILE), fresh).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });

  const names = await readdir(dir);

  return names
    .filter((name) => name.startsWith(CLAIMED_PREFIX))
    .sort()
    .map((name) => join(dir, name));
}

function parseLetters(text: string): Letter[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = parseObject(line);
      const event = record?.['event'];
      const callId = record?.['callId'];

      return isCallEvent(event) && typeof callId === 'string' && callId !== ''
        ? { line, callId, event }
        : { line };
    });
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);

    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isCallEvent(value: unknown): value is CallEvent {
  const event = value as Partial<CallEvent> | undefined;

  return (
    typeof event?.id === 'string' &&
    isCallEventType(event.type) &&
    typeof event.at === 'string' &&
    typeof event.payload === 'object' &&
    event.payload !== null
  );
}
