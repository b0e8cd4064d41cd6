// The binary layout of what crosses the thread boundary. A batch is one ArrayBuffer (every
// call's saved state and μ-law) transferred to the worker, and its answer one ArrayBuffer
// transferred back. Why not objects: structured-cloning a state object graph per call per tick
// cost as much as the DSP itself (--cpu-prof at 200 calls: ~7 µs per call-tick on the event
// loop, ~10 µs in the worker), while a transfer costs the same for 1 call or 500.
import { NOISE_FLOOR_WINDOWS, StreamingResampler, type NoiseFloorState } from '../audio/index.js';
import { FVAD_STATE_BYTES, VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE } from './webrtc-vad.js';

/** Output rate of the pipeline: what speech recognition takes. */
export const OUTPUT_SAMPLE_RATE = 16000;

/** Resampler history length in samples (the filter's taps per phase minus one). */
export const HISTORY_SAMPLES = new StreamingResampler(
  VAD_SAMPLE_RATE,
  OUTPUT_SAMPLE_RATE,
).saveState().history.length;

/** Most 8 kHz samples a call can carry to its next tick: less than one VAD frame. */
const MAX_CARRY_SAMPLES = VAD_FRAME_SAMPLES - 1;

/** Numbers at the head of a state record (Float64 each). */
const enum Head {
  flags = 0,
  phase = 1,
  onsetMs = 2,
  silenceMs = 3,
  carrySamples = 4,
  noiseWindowMinDb = 5,
  noiseWindowMs = 6,
  noisePastMinsDb = 7,
  length = 11,
}

// The record holds one slot per noise floor sub-window; a change there must change Head.
if (Head.length - Head.noisePastMinsDb !== NOISE_FLOOR_WINDOWS) {
  throw new Error('wire.ts Head has no room for every noise floor sub-window');
}

/** Bits of Head.flags. */
const enum Flag {
  started = 1,
  primed = 2,
  speaking = 4,
}

/** Float64 numbers at the head of a state record. */
export const HEAD_NUMBERS: number = Head.length;

function align8(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

const HISTORY_OFFSET = Head.length * 8;
const VAD_OFFSET = HISTORY_OFFSET + align8(HISTORY_SAMPLES * 4);
const CARRY_OFFSET = VAD_OFFSET + align8(FVAD_STATE_BYTES);

/** Bytes of one call's DSP state record (a multiple of 8, so records can sit back to back). */
export const STATE_BYTES = CARRY_OFFSET + align8(MAX_CARRY_SAMPLES * 2);

/** Typed views on one state record inside a larger buffer; no copy. */
export interface StateView {
  /** Head numbers: flags, resampler phase, gate onset and silence ms, carry length, noise floor. */
  head: Float64Array;
  /** The resampler's history. */
  history: Float32Array;
  /** The WebRTC VAD's `struct Fvad` bytes. */
  vad: Uint8Array;
  /** 8 kHz samples short of a whole VAD frame, first `carrySamples` valid. */
  carry: Int16Array;
}

/** Views the state record at `byteOffset` of `buffer`. */
export function viewState(buffer: ArrayBuffer, byteOffset: number): StateView {
  return {
    head: new Float64Array(buffer, byteOffset, Head.length),
    history: new Float32Array(buffer, byteOffset + HISTORY_OFFSET, HISTORY_SAMPLES),
    vad: new Uint8Array(buffer, byteOffset + VAD_OFFSET, FVAD_STATE_BYTES),
    carry: new Int16Array(buffer, byteOffset + CARRY_OFFSET, MAX_CARRY_SAMPLES),
  };
}

/** The state as numbers, read from a view. */
export interface StateHead {
  /** False before the call's first delivered tick: the worker starts it fresh. */
  started: boolean;
  /** The resampler had input. */
  primed: boolean;
  /** Speech gate: inside speech. */
  speaking: boolean;
  /** Resampler phase. */
  phase: number;
  /** Speech gate onset count, ms. */
  onsetMs: number;
  /** Speech gate silence count, ms. */
  silenceMs: number;
  /** Valid samples in `carry`. */
  carrySamples: number;
  /** Speech gate noise floor tracker. */
  noise: NoiseFloorState;
}

/** Reads the head numbers of a state record. */
export function readHead(head: Float64Array): StateHead {
  const flags = head[Head.flags] ?? 0;

  return {
    started: (flags & Flag.started) !== 0,
    primed: (flags & Flag.primed) !== 0,
    speaking: (flags & Flag.speaking) !== 0,
    phase: head[Head.phase] ?? 0,
    onsetMs: head[Head.onsetMs] ?? 0,
    silenceMs: head[Head.silenceMs] ?? 0,
    carrySamples: head[Head.carrySamples] ?? 0,
    noise: {
      windowMinDb: head[Head.noiseWindowMinDb] ?? 0,
      windowMs: head[Head.noiseWindowMs] ?? 0,
      pastMinsDb: Array.from(head.subarray(Head.noisePastMinsDb, Head.length)),
    },
  };
}

/** Writes the head numbers of a state record (always marked started). */
export function writeHead(head: Float64Array, state: Omit<StateHead, 'started'>): void {
  head[Head.flags] =
    Flag.started | (state.primed ? Flag.primed : 0) | (state.speaking ? Flag.speaking : 0);
  head[Head.phase] = state.phase;
  head[Head.onsetMs] = state.onsetMs;
  head[Head.silenceMs] = state.silenceMs;
  head[Head.carrySamples] = state.carrySamples;
  head[Head.noiseWindowMinDb] = state.noise.windowMinDb;
  head[Head.noiseWindowMs] = state.noise.windowMs;
  head.set(state.noise.pastMinsDb, Head.noisePastMinsDb);
}

// Batch layout: Uint32 index [streamCount, then per call: μ-law byte offset, μ-law bytes],
// then per call one state record (8-aligned), then the μ-law bytes.

/** Byte offset of the first state record of a batch of `streamCount` calls. */
export function batchStatesOffset(streamCount: number): number {
  return align8((1 + 2 * streamCount) * 4);
}

/** Bytes of a batch of calls with these μ-law lengths. */
export function batchBytes(muLawLengths: readonly number[]): number {
  let total = batchStatesOffset(muLawLengths.length) + muLawLengths.length * STATE_BYTES;
  for (const length of muLawLengths) total += length;

  return total;
}

/**
 * Answer layout: Uint32 index [threadId, streamCount, then per call: pcm byte offset, pcm
 * samples, features byte offset, frame count], then per call its new state record, then per
 * call its PCM16 and features (Float32 energy, Uint8 voiced, Uint8 speech), each 8-aligned.
 */
export const ANSWER_INDEX_HEAD = 2;

/** Index words per call in an answer. */
export const ANSWER_INDEX_PER_STREAM = 4;

/** Byte offset of the first state record of an answer for `streamCount` calls. */
export function answerStatesOffset(streamCount: number): number {
  return align8((ANSWER_INDEX_HEAD + ANSWER_INDEX_PER_STREAM * streamCount) * 4);
}

/** Bytes of the PCM and feature region of one call with `pcmSamples` and `frameCount` frames. */
export function answerStreamBytes(pcmSamples: number, frameCount: number): number {
  return align8(pcmSamples * 2) + align8(frameCount * 4) + align8(frameCount) * 2;
}

/** Views on one call's features in an answer. */
export interface FeatureViews {
  /** Per VAD frame: energy in dBFS. */
  energyDb: Float32Array;
  /** Per VAD frame: 1 when voiced. */
  voiced: Uint8Array;
  /** Per VAD frame: 1 inside speech. */
  speech: Uint8Array;
}

/** Views the features of `frameCount` frames at `byteOffset` of `buffer`. */
export function viewFeatures(
  buffer: ArrayBuffer,
  byteOffset: number,
  frameCount: number,
): FeatureViews {
  const voicedOffset = byteOffset + align8(frameCount * 4);

  return {
    energyDb: new Float32Array(buffer, byteOffset, frameCount),
    voiced: new Uint8Array(buffer, voicedOffset, frameCount),
    speech: new Uint8Array(buffer, voicedOffset + align8(frameCount), frameCount),
  };
}
