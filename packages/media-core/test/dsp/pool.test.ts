// The DSP pool against real worker threads: batches carry each call's state, so a call's
// 16 kHz audio and VAD decisions are identical to converting the whole call at once, even as
// its ticks move between workers; a crashed worker costs its calls one batch, nobody else.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { pino } from 'pino';
import { Registry } from 'prom-client';

import { decodeMuLaw, StreamingResampler } from '../../src/audio/index.js';
import { DEFAULT_VAD_OPTIONS } from '../../src/audio/vad.js';
import { DspPool, type DspResult } from '../../src/dsp/pool.js';
import { WebRtcVad } from '../../src/dsp/webrtc-vad.js';
import { fixtureEntries, fixtureMuLaw, mixMuLaw, toFrames } from '../vad/fixture-audio.js';
import { runVad } from '../vad/vad-run.js';

const CALL_IDS = ['en-IN.greeting', 'hi-IN.amount', 'ta-IN.income', 'en-IN.employment'];

/** What one call received from the pool. */
interface Received {
  pcm: Int16Array[];
  speech: boolean[];
  threads: Set<number>;
  frames: number;
}

function fixtureById(id: string): Uint8Array {
  const entry = fixtureEntries().find((candidate) => candidate.id === id);
  assert.ok(entry, `fixture ${id}`);
  return fixtureMuLaw(entry);
}

function callAudio(id: string, maxFrames: number): Uint8Array[] {
  return toFrames(fixtureById(id))
    .filter((f) => f.length === 160)
    .slice(0, maxFrames);
}

/** A call over -45 dBFS line noise: its noise floor state must travel with its ticks. */
function noisyCallAudio(id: string, maxFrames: number): Uint8Array[] {
  const mixed = mixMuLaw(fixtureById(id), fixtureById('line-noise-45dbfs'));
  return toFrames(mixed)
    .filter((f) => f.length === 160)
    .slice(0, maxFrames);
}

function wholeCall16k(frames: Uint8Array[]): Int16Array {
  return new StreamingResampler(8000, 16000).process(decodeMuLaw(Buffer.concat(frames)));
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function receiver(): { received: Received; onResult: (result: DspResult) => void } {
  const received: Received = { pcm: [], speech: [], threads: new Set(), frames: 0 };
  const onResult = (result: DspResult): void => {
    received.pcm.push(result.pcm16k);
    received.speech.push(...result.frames.map((frame) => frame.speech));
    received.threads.add(result.threadId);
    received.frames += result.frames.length;
  };
  return { received, onResult };
}

/** Pushes one frame per call every `everyMs`, as calls arriving in parallel would. */
async function pushInParallel(
  streams: { push: (frame: Uint8Array) => void; frames: Uint8Array[] }[],
  everyMs: number,
  onStep?: (step: number) => void,
): Promise<void> {
  const steps = Math.max(...streams.map((stream) => stream.frames.length));
  for (let step = 0; step < steps; step++) {
    onStep?.(step);
    for (const stream of streams) {
      const frame = stream.frames[step];
      if (frame !== undefined) stream.push(frame);
    }
    await sleep(everyMs);
  }
}

/** Waits until every worker thread has answered once (each loads its wasm on start). */
async function warmUp(pool: DspPool): Promise<void> {
  const { received, onResult } = receiver();
  const stream = pool.openStream('warm-up', onResult);
  const silence = new Uint8Array(160).fill(0xff);

  for (let round = 0; round < 300 && received.threads.size < pool.threads; round++) {
    stream.pushFrame(silence, performance.now());
    await sleep(10);
  }
  stream.close();
}

/** How many DSP batches the pool has sent so far. */
async function batchCountOf(registry: Registry): Promise<number> {
  const exposition = await registry.metrics();

  return Number(/media_dsp_batch_frames_count (\d+)/.exec(exposition)?.[1] ?? 0);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
}

describe('DspPool', () => {
  const pools: DspPool[] = [];
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('gives each call exactly the samples and VAD decisions of a one-piece conversion', async (t) => {
    const registry = new Registry();
    const pool = new DspPool({ threads: 2, tickMs: 10, registry });
    pools.push(pool);
    // Workers load their wasm on start; on a loaded machine that can take seconds, and frames
    // queued meanwhile are the subject of the crash test, not of this one.
    await warmUp(pool);
    const batchesBefore = await batchCountOf(registry);

    const audio = CALL_IDS.map((id) => ({ id, frames: callAudio(id, 100) }));
    audio.push({ id: 'noisy', frames: noisyCallAudio('hi-IN.loan-type', 100) });
    const calls = audio.map(({ id, frames }) => {
      const { received, onResult } = receiver();
      const stream = pool.openStream(id, onResult);
      return {
        id,
        frames,
        received,
        push: (f: Uint8Array) => stream.pushFrame(f, performance.now()),
      };
    });

    await pushInParallel(calls, 4);
    await until(() => calls.every((call) => call.received.frames === call.frames.length), 20_000);

    const vad = await WebRtcVad.load();
    for (const call of calls) {
      assert.equal(call.received.frames, call.frames.length, `${call.id}: every frame processed`);
      assert.deepEqual(concat(call.received.pcm), wholeCall16k(call.frames), `${call.id}: pcm`);

      const reference = runVad(vad, Buffer.concat(call.frames), DEFAULT_VAD_OPTIONS);
      assert.deepEqual(call.received.speech, reference.speech, `${call.id}: speech decisions`);
    }

    const moved = calls.filter((call) => call.received.threads.size > 1).length;
    assert.ok(moved > 0, 'at least one call ran on more than one worker');

    const batchCount = (await batchCountOf(registry)) - batchesBefore;
    const totalFrames = calls.reduce((sum, call) => sum + call.frames.length, 0);
    assert.ok(batchCount > 0 && batchCount < totalFrames / 2, `batched: ${batchCount} batches`);
    const noisy = calls.find((call) => call.id === 'noisy');
    assert.ok(noisy, 'the noisy call ran');
    assert.ok(noisy.received.speech.includes(true), 'the noisy call has speech');
    assert.ok(noisy.received.speech.includes(false), 'and noise without speech');
    t.diagnostic(
      `${totalFrames} frames in ${batchCount} batches; ${moved}/${calls.length} calls moved workers`,
    );
  });

  it('replaces a crashed worker; its calls lose one batch, the others lose nothing', async (t) => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const registry = new Registry();
    let failuresReported = 0;
    const pool = new DspPool({
      threads: 2,
      tickMs: 10,
      registry,
      log,
      onWorkerFailure: () => failuresReported++,
    });
    pools.push(pool);
    await warmUp(pool);

    const calls = CALL_IDS.slice(0, 3).map((id) => {
      const frames = callAudio(id, 60);
      const { received, onResult } = receiver();
      const stream = pool.openStream(id, onResult);
      return {
        id,
        frames,
        received,
        push: (f: Uint8Array) => stream.pushFrame(f, performance.now()),
      };
    });

    await pushInParallel(calls, 4, (step) => {
      if (step === 25) pool.crashNextBatch();
    });
    // The replacement worker needs a moment to start (wasm load); batches wait for it.
    await until(() => calls.every((call) => call.received.frames >= call.frames.length - 40), 5000);
    await sleep(200);

    const lost = calls.map((call) => call.frames.length - call.received.frames);
    t.diagnostic(`frames lost per call: ${lost.join(', ')}`);
    assert.ok(
      lost.some((count) => count > 0),
      'the crash cost the calls of its batch',
    );
    const dropped = Number(
      /media_dsp_frames_dropped_total\{reason="worker_failed"\} (\d+)/.exec(
        await registry.metrics(),
      )?.[1] ?? -1,
    );
    // Under CPU contention a call's batch can hold several ticks of frames; what must hold is
    // that the failed batch is the only loss.
    const lostTotal = lost.reduce((sum, count) => sum + count, 0);
    assert.equal(lostTotal, dropped, 'the only frames lost are those of the failed batch');

    for (const call of calls) {
      if (call.received.frames === call.frames.length) {
        assert.deepEqual(concat(call.received.pcm), wholeCall16k(call.frames), call.id);
      }
      const tail = call.received.pcm.at(-1);
      assert.ok(tail !== undefined && tail.length > 0, `${call.id}: still served after the crash`);
    }

    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; level: number });
    assert.equal(warnings.filter((w) => w.level === 40).length, 1, 'one warning');
    assert.match(warnings[0]?.msg ?? '', /dsp worker failed/);

    const failures = await registry.getSingleMetric('media_dsp_worker_failures_total')?.get();
    assert.equal(failures?.values[0]?.value, 1);
    assert.equal(failuresReported, 1, 'the failure reached onWorkerFailure (/health)');

    // The replacement serves a new call.
    const { received, onResult } = receiver();
    const late = pool.openStream('late', onResult);
    for (const frame of callAudio('en-IN.greeting', 10)) late.pushFrame(frame, performance.now());
    await until(() => received.frames === 10, 3000);
    assert.equal(received.frames, 10);
  });

  it('rejects a second stream with the same id, and streams after close', async () => {
    const pool = new DspPool({ threads: 1 });
    pool.openStream('a', () => undefined);

    assert.throws(() => pool.openStream('a', () => undefined), { code: 'DSP_STREAM_EXISTS' });
    await pool.close();
    await pool.close();
    assert.throws(() => pool.openStream('b', () => undefined), { code: 'DSP_POOL_CLOSED' });
  });

  it('names the option and the rule on bad options', () => {
    assert.throws(() => new DspPool({ threads: 0 }), /threads must be an integer >= 1/);
    assert.throws(() => new DspPool({ tickMs: -5 }), /tickMs must be a number > 0/);
  });
});
