// The DSP worker's entry (runs in a piscina worker thread, never in the event loop's thread):
// μ-law → PCM16 8 kHz → 16 kHz, and per 20 ms frame its energy and voice activity. Everything a
// call needs is in the batch; the worker keeps only reusable scratch objects.
import { threadId } from 'node:worker_threads';

import { decodeMuLaw, StreamingResampler } from '../audio/index.js';
import {
  advanceSpeechGate,
  frameEnergyDb,
  initialSpeechGateState,
  type ResolvedVadOptions,
} from '../audio/vad.js';
import type {
  DspBatch,
  DspBatchResult,
  StreamDspState,
  StreamOutput,
  StreamWork,
} from './messages.js';
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE, WebRtcVad } from './webrtc-vad.js';

/** Output rate of the pipeline: what speech recognition takes. */
const OUTPUT_SAMPLE_RATE = 16000;

/** Duration of one VAD frame in ms. */
const VAD_FRAME_MS = (VAD_FRAME_SAMPLES * 1000) / VAD_SAMPLE_RATE;

// Loaded once per thread, before piscina hands the worker its first task (top-level await).
const vad = await WebRtcVad.load();

// One resampler per thread; each call's filter history is loaded into it before use.
const resampler = new StreamingResampler(VAD_SAMPLE_RATE, OUTPUT_SAMPLE_RATE);
const freshResamplerState = resampler.saveState();

/** Processes one batch: every call in it, in order. */
export default function processBatch(batch: DspBatch): DspBatchResult {
  if (batch.exitWorker === true) process.exit(1);

  return { threadId, streams: batch.streams.map((work) => processStream(work, batch.vad)) };
}

function processStream(work: StreamWork, options: ResolvedVadOptions): StreamOutput {
  const state = work.state ?? initialState();
  const pcm8k = decodeMuLaw(work.muLaw);

  resampler.loadState(state.resampler);
  const pcm16k = resampler.process(pcm8k);

  const frames = joinCarry(state.carry, pcm8k);
  const frameCount = Math.floor(frames.length / VAD_FRAME_SAMPLES);
  const energyDb = new Float32Array(frameCount);
  const voiced = new Uint8Array(frameCount);
  const speech = new Uint8Array(frameCount);
  const gate = { ...state.gate };

  vad.restore(work.state === null ? null : state.vad, options.mode);
  for (let index = 0; index < frameCount; index++) {
    const frame = frames.subarray(index * VAD_FRAME_SAMPLES, (index + 1) * VAD_FRAME_SAMPLES);
    const energy = frameEnergyDb(frame);

    // The classifier runs on every frame, quiet or not, so its noise model keeps adapting.
    const isVoiced = vad.isVoiced(frame) && energy >= options.minEnergyDb;
    energyDb[index] = energy;
    voiced[index] = isVoiced ? 1 : 0;
    speech[index] = advanceSpeechGate(gate, isVoiced, VAD_FRAME_MS, options) ? 1 : 0;
  }

  const next: StreamDspState = {
    resampler: resampler.saveState(),
    vad: vad.snapshot(),
    gate,
    carry: frames.slice(frameCount * VAD_FRAME_SAMPLES),
  };
  return { streamId: work.streamId, pcm16k, energyDb, voiced, speech, state: next };
}

function initialState(): StreamDspState {
  return {
    resampler: freshResamplerState,
    vad: new Uint8Array(0),
    gate: initialSpeechGateState(),
    carry: new Int16Array(0),
  };
}

function joinCarry(carry: Int16Array, samples: Int16Array): Int16Array {
  if (carry.length === 0) return samples;

  const joined = new Int16Array(carry.length + samples.length);
  joined.set(carry);
  joined.set(samples, carry.length);
  return joined;
}
