// `npm run bench -- barge-in`: simulated calls through the whole stack in which the caller
// speaks over the bot (real answers) and coughs over it once. Measured at the caller: from
// speech onset to the bot's audio stopping at its ear (goal p95 < 250 ms); the server's share,
// the wall time from the caller's last frame to the `clear` (goal p99 < 5 ms); and whether a
// cough's false interruption resumes the bot, and how fast.
import { setTimeout as sleep } from 'node:timers/promises';

import { loadFixtureManifest, type StreamRequest } from '@voice-agent/emulators';

import { fixed, percentile, quantileRow, type BenchResult } from '../report.js';
import { REALISTIC_LATENCY, startBed } from '../turn/bed.js';
import { runBargeInCaller, type CallerMeasures } from './caller-run.js';

/** Concurrent calls (env BARGE_IN_BENCH_CALLS). */
const CALLS = Number(process.env.BARGE_IN_BENCH_CALLS ?? 3);

/** Goals, in ms. */
const REACTION_P95_GOAL_MS = 250;
const SERVER_P99_GOAL_MS = 5;

/** Runs the barge-in benchmark. */
export async function runBargeInBench(): Promise<BenchResult> {
  const manifest = await loadFixtureManifest();
  const runs: Array<Promise<CallerMeasures>> = [];
  let authToken = '';
  const onStream = async (stream: StreamRequest): Promise<void> => {
    const run = runBargeInCaller(stream, manifest, authToken);
    runs.push(run);
    await run.catch(() => undefined);
  };
  const bed = await startBed(onStream);
  authToken = bed.stack.secrets.authToken;

  try {
    await Promise.all(Array.from({ length: CALLS }, () => bed.placeCall('en-IN')));
    for (let waited = 0; runs.length < CALLS && waited < 30_000; waited += 100) await sleep(100);

    return report(await Promise.all(runs));
  } finally {
    await bed.stack.close();
  }
}

function report(calls: CallerMeasures[]): BenchResult {
  const reaction = calls.flatMap((call) => call.reactionMs);
  const server = calls.flatMap((call) => call.clearAfterFrameMs);
  const coughs = calls.flatMap((call) => call.coughs);
  const resumed = coughs.flatMap((c) => (c.resumedAfterMs === undefined ? [] : [c.resumedAfterMs]));
  const reactionP95 = percentile(reaction, 95);
  const serverP99 = percentile(server, 99);

  return {
    tables: [
      {
        title: `Barge-in, ${CALLS} concurrent calls (ms)`,
        columns: ['measure', 'count', 'p50', 'p95', 'p99', 'max'],
        rows: [
          quantileRow('speech onset → bot audio stops at the caller', reaction),
          quantileRow('server share: last caller frame → clear arrives (wall)', server),
          quantileRow('false interruption: noise end → bot resumes at the caller', resumed),
        ],
      },
    ],
    notes: [
      `reaction p95 ${fixed(reactionP95, 1)} ms: goal < ${REACTION_P95_GOAL_MS} ms ${reactionP95 < REACTION_P95_GOAL_MS ? 'met' : 'NOT met'}`,
      `server share p99 ${fixed(serverP99, 1)} ms: goal < ${SERVER_P99_GOAL_MS} ms ${serverP99 < SERVER_P99_GOAL_MS ? 'met' : 'NOT met'}`,
      ...['cough', 'false start'].map((name) => noiseNote(name, coughs)),
      "the reaction includes the barge-in rule itself (BARGE_IN_MIN_SPEECH_MS, default 200 ms of voiced audio) and is measured on the caller's 20 ms media clock from the speech onset of the fixture (its 150 ms leading pad removed)",
      "the server share is wall time in the caller process from the last frame sent to the clear arriving: it holds the wait for the media core's next DSP batch (up to one 20 ms frame), the worker hop, the VAD and loopback both ways",
      'a cough is 300 ms of noise; a false start is the first 500 ms of an utterance (350 ms of voice, no words the recognizer can finalize)',
      `emulator latencies as in the turn bench (LLM first byte ${REALISTIC_LATENCY.llmFirstByteMs} ms, TTS +${REALISTIC_LATENCY.ttsAddedMs} ms); they do not enter the barge-in path`,
    ],
    data: { calls: CALLS, reactionMs: reaction, serverShareMs: server, coughs },
  };
}

function noiseNote(name: string, noises: CallerMeasures['coughs']): string {
  const made = noises.filter((n) => n.noise === name);
  const interrupted = made.filter((n) => n.interrupted).length;
  const resumed = made.filter((n) => n.resumedAfterMs !== undefined).length;

  return `${name}: ${made.length} made, ${interrupted} interrupted the bot, ${resumed} of those resumed`;
}
