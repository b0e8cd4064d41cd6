// `npm run bench -- turn`: several simulated loan calls through the whole stack (real bins,
// emulated providers at realistic latencies); per reply, the latency from the caller's last
// word to the bot's first audio, split into endpointing, LLM first token, TTS first byte and
// the media core's own share. Goal: the media core's share under 10 ms at p99.
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ScriptedCallee,
  callerResponses,
  loadConversationScript,
  loadFixtureManifest,
  serverLatencies,
  type AnsweredStream,
  type StackApi,
} from '@voice-agent/emulators';

import { fixed, percentile, quantileRow, type BenchResult } from '../report.js';
import { REALISTIC_LATENCY, startBed } from './bed.js';

/** Concurrent calls (env TURN_BENCH_CALLS). */
const CALLS = Number(process.env.TURN_BENCH_CALLS ?? 3);

/** The script every call plays: ten caller turns, one of them a barge-in. */
const SCRIPT = 'loan-en-IN';

/** Goal for the media core's share of a turn at p99, in ms. */
const MEDIA_CORE_GOAL_MS = 10;

type Stage = 'endpointingMs' | 'llmFirstTokenMs' | 'ttsFirstByteMs' | 'mediaCoreMs' | 'totalMs';

const STAGES: Array<[Stage | 'atCallerMs', string]> = [
  ['endpointingMs', 'endpointing (speech end → final)'],
  ['llmFirstTokenMs', 'LLM first token'],
  ['ttsFirstByteMs', 'TTS first byte'],
  ['mediaCoreMs', 'media core share'],
  ['totalMs', 'total at the server (speech end → first frame sent)'],
  ['atCallerMs', 'total at the caller (last word → first bot audio heard)'],
];

/** Runs the turn benchmark. */
export async function runTurnBench(): Promise<BenchResult> {
  const manifest = await loadFixtureManifest();
  const script = await loadConversationScript(SCRIPT, { manifest });
  const callee = new ScriptedCallee({ script, manifest });
  const bed = await startBed(callee.onStream);
  callee.authToken = bed.stack.secrets.authToken;

  try {
    const callIds = await Promise.all(Array.from({ length: CALLS }, () => bed.placeCall('en-IN')));
    await waitForStreams(callee, CALLS);
    await Promise.all(callee.streams.map((stream) => stream.done));

    const samples = await collect(
      bed.api,
      callIds,
      callee.streams,
      bed.stack.logPath('media-core'),
    );
    return report(samples);
  } finally {
    await bed.stack.close();
  }
}

/** Every stage's values over all replies of all calls. */
type Samples = Record<Stage | 'atCallerMs', number[]>;

async function collect(
  api: StackApi,
  callIds: string[],
  streams: AnsweredStream[],
  mediaLog: string,
): Promise<Samples> {
  const samples: Samples = {
    endpointingMs: [],
    llmFirstTokenMs: [],
    ttsFirstByteMs: [],
    mediaCoreMs: [],
    totalMs: [],
    atCallerMs: [],
  };

  for (const callId of callIds) {
    const record = await callEnded(api, callId);
    const stream = streams.find((s) => s.request.parameters['callId'] === callId);
    const server = await serverLatencies(record, mediaLog);
    for (const turn of server) {
      for (const stage of Object.keys(turn) as Stage[]) {
        const value = turn[stage];
        if (value !== undefined && stage in samples) samples[stage].push(value);
      }
    }
    const caller = callerResponses(stream?.caller.timeline ?? []).slice(-server.length);
    samples.atCallerMs.push(...caller.map((response) => response.atCallerMs));
  }

  return samples;
}

function report(samples: Samples): BenchResult {
  const rows = STAGES.map(([stage, label]) => quantileRow(label, samples[stage]));
  const mediaCoreP99 = percentile(samples.mediaCoreMs, 99);

  return {
    tables: [
      {
        title: `Per-turn latency, ${CALLS} concurrent calls of ${SCRIPT} (ms)`,
        columns: ['stage', 'replies', 'p50', 'p95', 'p99', 'max'],
        rows,
      },
    ],
    notes: [
      `media core share p99 ${fixed(mediaCoreP99, 1)} ms: goal < ${MEDIA_CORE_GOAL_MS} ms ${mediaCoreP99 < MEDIA_CORE_GOAL_MS ? 'met' : 'NOT met'}`,
      `emulator latencies: ASR +${REALISTIC_LATENCY.asrAddedMs} ms per streaming answer (final after 600 ms of trailing silence), LLM first byte ${REALISTIC_LATENCY.llmFirstByteMs} ms + ${REALISTIC_LATENCY.llmTokenMs} ms/token, TTS +${REALISTIC_LATENCY.ttsAddedMs} ms`,
      'server stages come from the media core (its "turn latency" per reply); the caller total is measured by the Twilio caller emulator on its 20 ms media clock, from the end of the fixture speech (its 250 ms trailing pad removed)',
      'the caller total also holds the VAD hangover before "speech end" and the playback lead; the opening greeting is not a reply and is not counted',
    ],
    data: { calls: CALLS, script: SCRIPT, latency: REALISTIC_LATENCY, samples },
  };
}

async function waitForStreams(callee: ScriptedCallee, count: number): Promise<void> {
  for (let waited = 0; callee.streams.length < count; waited += 100) {
    if (waited > 30_000)
      throw new Error(`only ${callee.streams.length} of ${count} calls answered`);
    await sleep(100);
  }
}

/** The call record once its call_ended event has landed (the outbox is asynchronous). */
async function callEnded(api: StackApi, callId: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const record = await api.getCall(callId);
    if (record.events.some((event) => event.type === 'call_ended')) return record;
    await sleep(200);
  }

  throw new Error(`call ${callId}: no call_ended event`);
}
