// What crosses the thread boundary between the DSP pool (parent) and its workers. One batch
// per worker per tick carries the frames of many calls, each with the call's DSP state, so any
// worker can continue any call exactly where the last one stopped.
import type { ResamplerState } from '../audio/index.js';
import type { ResolvedVadOptions, SpeechGateState } from '../audio/vad.js';

/** A call's DSP state between ticks; structured-cloneable, owned by the parent. */
export interface StreamDspState {
  /** The 8 → 16 kHz resampler's filter history. */
  resampler: ResamplerState;
  /** The WebRTC VAD instance, as bytes of its wasm heap (FVAD_STATE_BYTES). */
  vad: Uint8Array;
  /** The speech gate (minimum speech and silence durations). */
  gate: SpeechGateState;
  /** 8 kHz samples received but not yet a whole 20 ms VAD frame (empty for Twilio frames). */
  carry: Int16Array;
}

/** One call's share of a batch. */
export interface StreamWork {
  /** The call's stream id, echoed in the output. */
  streamId: string;
  /** μ-law bytes received since the previous tick, concatenated in arrival order. */
  muLaw: Uint8Array;
  /** State after the previous tick; null on the call's first tick. */
  state: StreamDspState | null;
}

/** Parent → worker: the work of one tick for one worker. */
export interface DspBatch {
  /** The calls in this batch. */
  streams: StreamWork[];
  /** VAD settings, the same for the whole pool. */
  vad: ResolvedVadOptions;
  /**
   * Fault injection for crash tests: the worker exits (code 1) instead of answering, as a
   * worker dies on an abort in wasm or an out-of-memory.
   */
  exitWorker?: true;
}

/** One call's output for one tick. */
export interface StreamOutput {
  /** The call's stream id. */
  streamId: string;
  /** The tick's audio at 16 kHz, continuing exactly from the previous tick. */
  pcm16k: Int16Array;
  /** Per 20 ms VAD frame: energy in dBFS. */
  energyDb: Float32Array;
  /** Per 20 ms VAD frame: 1 when the WebRTC VAD (and the energy floor) call it voiced. */
  voiced: Uint8Array;
  /** Per 20 ms VAD frame: 1 when inside speech after the minimum durations. */
  speech: Uint8Array;
  /** State to send with the call's next batch. */
  state: StreamDspState;
}

/** Worker → parent: the answer to one batch. */
export interface DspBatchResult {
  /** threadId of the worker that did the work (diagnostics and tests). */
  threadId: number;
  /** One output per StreamWork, in the same order. */
  streams: StreamOutput[];
}
