// The DSP worker's entry (runs in a piscina worker thread, never in the event loop's thread):
// μ-law → PCM16 8 kHz → 16 kHz, and per 20 ms frame its energy and voice activity. Everything a
// call needs is in the batch; the worker keeps only reusable scratch objects.
import { threadId } from 'node:worker_threads';

import { move } from 'piscina';

import { decodeMuLaw, StreamingResampler } from '../audio/index.js';
import {
  advanceSpeechGate,
  frameEnergyDb,
  initialNoiseFloorState,
  judgeFrame,
  type ResolvedVadOptions,
  type SpeechGateState,
} from '../audio/vad.js';
import type { DspAnswer, DspBatch } from './messages.js';
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE, WebRtcVad } from './webrtc-vad.js';
import {
  ANSWER_INDEX_HEAD,
  ANSWER_INDEX_PER_STREAM,
  answerStatesOffset,
  answerStreamBytes,
  batchStatesOffset,
  HEAD_NUMBERS,
  OUTPUT_SAMPLE_RATE,
  readHead,
  STATE_BYTES,
  viewFeatures,
  viewState,
  writeHead,
} from './wire.js';

/** Duration of one VAD frame in ms. */
const VAD_FRAME_MS = (VAD_FRAME_SAMPLES * 1000) / VAD_SAMPLE_RATE;

// Loaded once per thread, before piscina hands the worker its first task (top-level await).
const vad = await WebRtcVad.load();

// One resampler per thread; each call's filter history is loaded into it before use.
const resampler = new StreamingResampler(VAD_SAMPLE_RATE, OUTPUT_SAMPLE_RATE);

/** 8 kHz samples of the call being processed (carry, then this tick's); grown, never shrunk. */
let scratch = new Int16Array(VAD_FRAME_SAMPLES * 50);

/** One call's work, read from the batch index. */
interface Work {
  muLaw: Uint8Array;
  stateOffset: number;
  carrySamples: number;
  pcmSamples: number;
  frameCount: number;
}

/** Processes one batch: every call in it, in order; answers with one transferred buffer. */
export default function processBatch(batch: DspBatch): DspAnswer {
  if (batch.exitWorker === true) process.exit(1);

  const works = readWorks(batch.buffer);
  const answer = allocateAnswer(works);

  let regionOffset = answerStatesOffset(works.length) + works.length * STATE_BYTES;
  works.forEach((work, index) => {
    const stateOffset = answerStatesOffset(works.length) + index * STATE_BYTES;
    const produced = processStream(batch, work, answer, stateOffset, regionOffset, batch.vad);

    writeIndex(answer, index, regionOffset, work, produced);
    regionOffset += answerStreamBytes(work.pcmSamples, work.frameCount);
  });
  return move(answer) as unknown as DspAnswer;
}

function readWorks(buffer: ArrayBuffer): Work[] {
  const streamCount = new Uint32Array(buffer, 0, 1)[0] ?? 0;
  const index = new Uint32Array(buffer, 0, 1 + 2 * streamCount);
  const statesOffset = batchStatesOffset(streamCount);
  const works: Work[] = [];

  for (let i = 0; i < streamCount; i++) {
    const muLaw = new Uint8Array(buffer, index[1 + 2 * i] ?? 0, index[2 + 2 * i] ?? 0);
    const stateOffset = statesOffset + i * STATE_BYTES;
    const head = readHead(new Float64Array(buffer, stateOffset, HEAD_NUMBERS));
    const carrySamples = head.started ? head.carrySamples : 0;
    // Upper bound: 2 output samples per input (8 → 16 kHz) plus one for the phase.
    const pcmSamples = Math.ceil((muLaw.length * OUTPUT_SAMPLE_RATE) / VAD_SAMPLE_RATE) + 1;
    const frameCount = Math.floor((carrySamples + muLaw.length) / VAD_FRAME_SAMPLES);

    works.push({ muLaw, stateOffset, carrySamples, pcmSamples, frameCount });
  }
  return works;
}

function allocateAnswer(works: Work[]): ArrayBuffer {
  let bytes = answerStatesOffset(works.length) + works.length * STATE_BYTES;
  for (const work of works) bytes += answerStreamBytes(work.pcmSamples, work.frameCount);

  const answer = new ArrayBuffer(bytes);
  const index = new Uint32Array(answer, 0, ANSWER_INDEX_HEAD);
  index[0] = threadId;
  index[1] = works.length;
  return answer;
}

function writeIndex(
  answer: ArrayBuffer,
  index: number,
  regionOffset: number,
  work: Work,
  pcmSamples: number,
): void {
  const at = ANSWER_INDEX_HEAD + ANSWER_INDEX_PER_STREAM * index;
  const words = new Uint32Array(answer, at * 4, ANSWER_INDEX_PER_STREAM);

  words[0] = regionOffset;
  words[1] = pcmSamples;
  // Features sit after the PCM's reserved room (the bound), not after the samples produced.
  words[2] = regionOffset + answerStreamBytes(work.pcmSamples, 0);
  words[3] = work.frameCount;
}

/** Runs one call's tick; writes its PCM, features and next state into `answer`. */
function processStream(
  batch: DspBatch,
  work: Work,
  answer: ArrayBuffer,
  stateOffset: number,
  regionOffset: number,
  options: ResolvedVadOptions,
): number {
  const before = viewState(batch.buffer, work.stateOffset);
  const head = readHead(before.head);
  const samples = decodeWithCarry(before.carry, work);

  if (head.started) {
    resampler.loadState({
      history: before.history,
      phase: head.phase,
      primed: head.primed,
      inputRate: VAD_SAMPLE_RATE,
      outputRate: OUTPUT_SAMPLE_RATE,
    });
  } else {
    resampler.reset();
  }
  const pcm = new Int16Array(answer, regionOffset, work.pcmSamples);
  const produced = resampler.processInto(samples.subarray(work.carrySamples), pcm);

  const gate: SpeechGateState = {
    speaking: head.speaking,
    onsetMs: head.onsetMs,
    silenceMs: head.silenceMs,
    noise: head.started ? head.noise : initialNoiseFloorState(),
  };
  const out = viewFeatures(
    answer,
    regionOffset + answerStreamBytes(work.pcmSamples, 0),
    work.frameCount,
  );
  vad.restore(head.started ? before.vad : null, options.mode);
  for (let index = 0; index < work.frameCount; index++) {
    const frame = samples.subarray(index * VAD_FRAME_SAMPLES, (index + 1) * VAD_FRAME_SAMPLES);
    const energy = frameEnergyDb(frame);

    // The classifier runs on every frame, quiet or not, so its noise model keeps adapting.
    const isVoiced = judgeFrame(gate, vad.isVoiced(frame), energy, VAD_FRAME_MS, options);
    out.energyDb[index] = energy;
    out.voiced[index] = isVoiced ? 1 : 0;
    out.speech[index] = advanceSpeechGate(gate, isVoiced, VAD_FRAME_MS, options) ? 1 : 0;
  }

  saveState(answer, stateOffset, samples, work, gate);
  return produced;
}

/** The call's carried samples followed by this tick's decoded μ-law, in the scratch buffer. */
function decodeWithCarry(carry: Int16Array, work: Work): Int16Array {
  const total = work.carrySamples + work.muLaw.length;
  if (scratch.length < total) scratch = new Int16Array(total);

  scratch.set(carry.subarray(0, work.carrySamples));
  decodeMuLaw(work.muLaw, scratch.subarray(work.carrySamples, total));
  return scratch.subarray(0, total);
}

function saveState(
  answer: ArrayBuffer,
  stateOffset: number,
  samples: Int16Array,
  work: Work,
  gate: SpeechGateState,
): void {
  const next = viewState(answer, stateOffset);
  const saved = resampler.saveState();
  const carry = samples.subarray(work.frameCount * VAD_FRAME_SAMPLES);

  next.history.set(saved.history);
  vad.snapshotInto(next.vad);
  next.carry.set(carry);
  writeHead(next.head, {
    primed: saved.primed,
    speaking: gate.speaking,
    phase: saved.phase,
    onsetMs: gate.onsetMs,
    silenceMs: gate.silenceMs,
    carrySamples: carry.length,
    noise: gate.noise,
  });
}
