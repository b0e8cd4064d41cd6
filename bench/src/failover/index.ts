// `npm run bench -- failover`: many calls, the leading provider killed mid-utterance in each
// failure kind; per kind, the gap from the failure to the next provider's first result, and
// the words lost and duplicated, with the replay of unfinalised audio and without it.
import {
  FAILOVER_LEADERS,
  FAILURE_KINDS,
  startSpeechBed,
  type FailureKind,
} from '@voice-agent/emulators';
import { fixed, percentile, type BenchResult, type Table } from '../report.js';
import { runBatch, type CallOutcome, type Scenario } from './run.js';

/** Calls per failure kind, leader and mode (run side by side, as concurrent calls). */
const CALLS = positiveEnv('FAILOVER_BENCH_CALLS', 5);
/** Audio speed relative to real time. */
const SPEED = positiveEnv('FAILOVER_BENCH_SPEED', 3);

/** Runs the failover bench. */
export async function runFailoverBench(): Promise<BenchResult> {
  const bed = await startSpeechBed();
  const rows: Row[] = [];

  try {
    for (const setup of FAILOVER_LEADERS) {
      for (const kind of FAILURE_KINDS) {
        for (const replay of [true, false]) {
          const scenario: Scenario = { ...setup, kind, replay, calls: CALLS, speed: SPEED };
          rows.push(summarize(scenario, await runBatch(scenario, bed)));
        }
      }
    }
  } finally {
    await bed.close();
  }

  return report(rows);
}

interface Row {
  leader: string;
  reason: string;
  replay: boolean;
  calls: number;
  failedOver: number;
  gapP50Ms: number;
  gapP95Ms: number;
  detectP50Ms: number;
  endToFinalP50Ms: number;
  endToFinalP95Ms: number;
  wordsExpected: number;
  wordsLost: number;
  wordsDuplicated: number;
}

function summarize(scenario: Scenario & { kind: FailureKind }, outcomes: CallOutcome[]): Row {
  const gaps = outcomes.flatMap((o) => (o.gapMs === undefined ? [] : [o.gapMs]));
  const detects = outcomes.flatMap((o) => (o.detectMs === undefined ? [] : [o.detectMs]));
  const waits = outcomes.flatMap((o) => (o.endToFinalMs === undefined ? [] : [o.endToFinalMs]));

  return {
    leader: scenario.leader,
    reason: scenario.kind.reason,
    replay: scenario.replay,
    calls: outcomes.length,
    failedOver: outcomes.filter((o) => o.failedOver).length,
    gapP50Ms: percentile(gaps, 50),
    gapP95Ms: percentile(gaps, 95),
    detectP50Ms: percentile(detects, 50),
    endToFinalP50Ms: percentile(waits, 50),
    endToFinalP95Ms: percentile(waits, 95),
    wordsExpected: sum(outcomes.map((o) => o.wordsExpected)),
    wordsLost: sum(outcomes.map((o) => o.wordsLost)),
    wordsDuplicated: sum(outcomes.map((o) => o.wordsDuplicated)),
  };
}

function report(rows: Row[]): BenchResult {
  const table = (replay: boolean): Table => ({
    title: replay
      ? 'ASR failover with replay of unfinalised audio (this code)'
      : 'ASR failover without replay (the next provider hears only new audio)',
    columns: [
      'leader',
      'kind',
      'calls',
      'failed over',
      'gap p50 ms',
      'gap p95 ms',
      'detect p50 ms',
      'end→final p50',
      'end→final p95',
      'words lost',
      'words dup',
    ],
    rows: rows
      .filter((r) => r.replay === replay)
      .map((r) => [
        r.leader,
        r.reason,
        String(r.calls),
        String(r.failedOver),
        fixed(r.gapP50Ms, 0),
        fixed(r.gapP95Ms, 0),
        fixed(r.detectP50Ms, 0),
        fixed(r.endToFinalP50Ms, 0),
        fixed(r.endToFinalP95Ms, 0),
        `${r.wordsLost}/${r.wordsExpected}`,
        String(r.wordsDuplicated),
      ]),
  });

  return {
    tables: [table(true), table(false)],
    notes: [
      `${CALLS} concurrent calls per row, each two fixture utterances; the fault strikes inside the second (Google 'fail'/'auth' faults strike as a stream opens, so there they strike at the first word of the call).`,
      `Audio is fed at ${SPEED}x real time (FAILOVER_BENCH_SPEED); the emulators judge audio time, so their 600 ms endpointing takes ${fixed(600 / SPEED, 0)} ms of wall time here.`,
      'gap: from the failure (the struck frame, stream open, or the Sarvam request at speech end) to the first interim or final of the next provider; detect: failure to the failover decision. Stalls are detected by the 3000 ms stall timeout after speech end.',
      "end→final: the struck utterance's speech end (local VAD) to its final transcript, what the caller waits; a REST provider answers only after speech end, so gap includes the rest of the utterance when the failure strikes early.",
      'words lost / duplicated: multiset difference between the fixture words and every final of the call.',
    ],
    data: { calls: CALLS, speed: SPEED, rows },
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function positiveEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got "${text}"`);

  return value;
}
