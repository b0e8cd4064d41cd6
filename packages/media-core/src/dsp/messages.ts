// What crosses the thread boundary between the DSP pool (parent) and its workers. One batch
// per worker per tick carries the frames of many calls, each with the call's DSP state, so any
// worker can continue any call exactly where the last one stopped. The calls' data travels as
// one transferred ArrayBuffer each way (layout in wire.ts), never as cloned objects.
import type { ResolvedVadOptions } from '../audio/vad.js';

/** Parent → worker: the work of one tick for one worker. */
export interface DspBatch {
  /** Every call's state record and μ-law (batch layout of wire.ts); transferred. */
  buffer: ArrayBuffer;
  /** VAD settings, the same for the whole pool. */
  vad: ResolvedVadOptions;
  /**
   * Fault injection for crash tests: the worker exits (code 1) instead of answering, as a
   * worker dies on an abort in wasm or an out-of-memory.
   */
  exitWorker?: true;
}

/** Worker → parent: the answer to one batch (answer layout of wire.ts); transferred. */
export type DspAnswer = ArrayBuffer;
