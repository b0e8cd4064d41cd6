// Per-turn latency of the demo call: the media core's breakdown of each reply (endpointing,
// LLM first token, TTS first byte, its own share, total) next to what the caller measured:
// from its last word to the first bot audio it heard.
import { readFile } from 'node:fs/promises';

import type { TimelineEntry } from '../twilio-caller/caller.js';
import type { CallDetail } from '../stack/stack-api.js';
import { formatTable, msCell } from './table.js';

/** The media core's breakdown of one reply, in ms (its `turn latency`). */
export interface ServerTurnLatency {
  /** Speech end → final transcript. */
  endpointingMs?: number;
  /** Reply asked → first LLM token. */
  llmFirstTokenMs?: number;
  /** First sentence sent to TTS → its first audio. */
  ttsFirstByteMs?: number;
  /** What the media core itself added. */
  mediaCoreMs?: number;
  /** Speech end → first bot frame sent to Twilio. */
  totalMs?: number;
}

/** One caller utterance that the bot answered, on the caller's media clock. */
export interface CallerResponse {
  /** When the caller's audio ended, ms. */
  callerStopMs: number;
  /** When the first bot audio of the answer reached the caller's ear, ms. */
  botStartMs: number;
  /** From the caller's last word to that first bot audio, ms. */
  atCallerMs: number;
}

/**
 * Silence after the last word in every utterance fixture, in ms: fixtures/audio/README.md
 * ("pads it back to exactly 150 ms before and 250 ms after").
 */
const FIXTURE_TRAILING_SILENCE_MS = 250;

/** Each caller utterance followed by bot audio before the caller spoke again. */
export function callerResponses(timeline: readonly TimelineEntry[]): CallerResponse[] {
  const responses: CallerResponse[] = [];
  let stoppedAtMs: number | undefined;

  for (const entry of timeline) {
    if (entry.kind === 'callerAudioStart') stoppedAtMs = undefined;
    if (entry.kind === 'callerAudioStop') stoppedAtMs = entry.atMs;
    if (entry.kind !== 'botAudioStart' || stoppedAtMs === undefined) continue;

    const lastWordMs = stoppedAtMs - FIXTURE_TRAILING_SILENCE_MS;
    responses.push({
      callerStopMs: stoppedAtMs,
      botStartMs: entry.atMs,
      atCallerMs: entry.atMs - lastWordMs,
    });
    stoppedAtMs = undefined;
  }

  return responses;
}

/**
 * The media core's per-reply latencies: from the agent turns of the call record when the API
 * returns their payload, else from the `turn latency` lines of the media core's log.
 */
export async function serverLatencies(
  record: CallDetail,
  mediaLogPath: string,
): Promise<ServerTurnLatency[]> {
  const fromApi = record.turns
    .map((turn) => (turn as { payload?: { latency?: ServerTurnLatency } }).payload?.latency)
    .filter((latency) => latency !== undefined);
  if (fromApi.length > 0) return fromApi;

  const lines = (await readFile(mediaLogPath, 'utf8').catch(() => '')).split('\n');

  return lines.flatMap((line) => {
    if (!line.includes(record.id) || !line.includes('"turn latency"')) return [];

    return [(JSON.parse(line) as { latency: ServerTurnLatency }).latency];
  });
}

/**
 * The latency table. Replies are matched from the end: the caller hears one answer per
 * utterance, and the only answer without a breakdown is the opening, which comes first.
 * Limit: a false barge-in's resumed sentence also counts as an answer at the caller, which
 * would shift the match by one row; the fixture scripts have none.
 */
export function latencyTable(server: ServerTurnLatency[], caller: CallerResponse[]): string {
  const offset = caller.length - server.length;
  const rows = server.map((turn, index) => [
    String(index + offset + 1),
    msCell(turn.endpointingMs),
    msCell(turn.llmFirstTokenMs),
    msCell(turn.ttsFirstByteMs),
    turn.mediaCoreMs === undefined ? '–' : turn.mediaCoreMs.toFixed(1),
    msCell(turn.totalMs),
    msCell(caller[index + offset]?.atCallerMs),
  ]);
  const columns = [
    'caller turn',
    'endpointing',
    'llm 1st token',
    'tts 1st byte',
    'media core',
    'total (server)',
    'total at caller',
  ];

  return formatTable(columns, rows);
}
