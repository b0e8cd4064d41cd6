// Streaming rational-ratio resampler: a polyphase FIR whose state (the last inputs and the
// phase of the next output) carries over between chunks, so 20 ms chunks give exactly the
// samples one long buffer would.

import { polyphaseBank, type PolyphaseBank } from './polyphase-bank.js';
import { outputCount, runKernel, type KernelCall } from './resampler-kernels.js';

/** Streaming state of one resampler; structured-cloneable, so it can cross worker threads. */
export interface ResamplerState {
  /** structured-cloneable: crosses worker threads. The last `tapsPerPhase - 1` input samples. */
  history: Float32Array;
  /** Position of the next output, in 1/L input samples after the next input sample. */
  phase: number;
  /** Whether any input has arrived since the last reset (flush returns nothing otherwise). */
  primed: boolean;
  /** Input rate the state belongs to, Hz. */
  inputRate: number;
  /** Output rate the state belongs to, Hz. */
  outputRate: number;
}

/** Placeholder for the reused kernel call's output between chunks (holds no caller buffer). */
const NO_OUTPUT = new Int16Array(0);

/** Initial capacity of the work buffer for new input, samples: a 20 ms frame at 48 kHz. */
const INITIAL_CHUNK_CAPACITY = 960;

/** Converts PCM16 from one sample rate to another, chunk by chunk, with no allocation per chunk. */
export class StreamingResampler {
  /** Input sample rate, Hz. */
  readonly inputRate: number;
  /** Output sample rate, Hz. */
  readonly outputRate: number;
  /** Group delay in output samples (see `delayMs`). */
  readonly delaySamples: number;

  private readonly bank: PolyphaseBank;
  private readonly historyLength: number;
  private work: Float64Array;
  /** Reused for every chunk, so processing a frame allocates nothing. */
  private readonly call: KernelCall;
  private phase = 0;
  private primed = false;

  /** Throws RangeError for a rate that is not a positive integer or a ratio too fine to design. */
  constructor(inputRate: number, outputRate: number) {
    this.bank = polyphaseBank(inputRate, outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.delaySamples = this.bank.delaySamples;
    this.historyLength = this.bank.tapsPerPhase - 1;
    this.work = new Float64Array(this.historyLength + INITIAL_CHUNK_CAPACITY);
    this.call = { bank: this.bank, work: this.work, count: 0, phase: 0, out: NO_OUTPUT };
  }

  /** Group delay, milliseconds. */
  get delayMs(): number {
    return (this.delaySamples * 1000) / this.outputRate;
  }

  /** Output samples the next `process` call will return for `inputLength` input samples. */
  outputLength(inputLength: number): number {
    return outputCount(this.bank, inputLength, this.phase);
  }

  /** Returns the output samples this input completes (a new array the caller owns). */
  process(input: Int16Array): Int16Array {
    const out = new Int16Array(this.outputLength(input.length));
    this.processInto(input, out);

    return out;
  }

  /**
   * Like `process`, into `out` from index 0; returns the number of samples written. `out` must
   * hold `outputLength(input.length)` samples. The hot path: allocates nothing once the work
   * buffer has grown to the largest chunk seen.
   */
  processInto(input: Int16Array, out: Int16Array): number {
    const count = input.length;
    const produced = this.outputLength(count);
    if (out.length < produced) {
      throw new RangeError(`out: must hold at least ${produced} samples, got ${out.length}`);
    }
    if (count === 0) return 0;

    this.ensureCapacity(count);
    const history = this.historyLength;
    const work = this.work;
    for (let i = 0; i < count; i++) work[history + i] = input[i] as number;

    const call = this.call;
    call.work = work;
    call.count = count;
    call.phase = this.phase;
    call.out = out;
    runKernel(call);
    call.out = NO_OUTPUT;

    // Each output advances M/L input samples; the new phase is relative to the next chunk.
    this.phase += produced * this.bank.downFactor - count * this.bank.upFactor;
    this.primed = true;

    // Keep the newest `history` samples in front for the next chunk.
    work.copyWithin(0, count, count + history);

    return produced;
  }

  /** Returns the tail (the delay line drained with zeros). Further process() restarts cleanly. */
  flush(): Int16Array {
    if (!this.primed) return new Int16Array(0);

    // Outputs whose filter span still reaches the last real input (at -L in phase units).
    const { filterLength, upFactor, downFactor } = this.bank;
    const reach = filterLength - 1 - upFactor - this.phase;
    const tailLength = reach < 0 ? 0 : Math.floor(reach / downFactor) + 1;

    const zeros = new Int16Array(Math.ceil((tailLength * downFactor + this.phase) / upFactor));
    const drained = this.process(zeros);
    this.reset();

    return drained.slice(0, tailLength);
  }

  /** Snapshot of the streaming state, so a call's DSP can move between worker threads. */
  saveState(): ResamplerState {
    return {
      history: Float32Array.from(this.work.subarray(0, this.historyLength)),
      phase: this.phase,
      primed: this.primed,
      inputRate: this.inputRate,
      outputRate: this.outputRate,
    };
  }

  /** Restores a state saved by a resampler of the same rates. */
  loadState(state: ResamplerState): void {
    if (state.inputRate !== this.inputRate || state.outputRate !== this.outputRate) {
      throw new RangeError(
        `state: rates ${state.inputRate}→${state.outputRate} do not match ` +
          `${this.inputRate}→${this.outputRate}`,
      );
    }
    if (state.history.length !== this.historyLength) {
      throw new RangeError(
        `state.history: must hold ${this.historyLength} samples, got ${state.history.length}`,
      );
    }

    const phaseLimit = this.bank.upFactor + this.bank.downFactor;
    if (!Number.isInteger(state.phase) || state.phase < 0 || state.phase >= phaseLimit) {
      throw new RangeError(`state.phase: must be an integer from 0 to ${phaseLimit - 1}`);
    }

    this.work.set(state.history, 0);
    this.phase = state.phase;
    this.primed = state.primed;
  }

  /** Forgets all input: zero history, first output at the next input sample. */
  reset(): void {
    this.work.fill(0);
    this.phase = 0;
    this.primed = false;
  }

  private ensureCapacity(count: number): void {
    if (this.historyLength + count <= this.work.length) return;

    // Grows once per larger chunk size, never per frame of a steady stream.
    const grown = new Float64Array(this.historyLength + count);
    grown.set(this.work.subarray(0, this.historyLength));
    this.work = grown;
  }
}

/**
 * One-shot conversion: process(all) + flush().
 *
 * Limit: the output is not delay-compensated: it starts with `delaySamples` of filter delay
 * and ends with the filter tail (about 3.4 ms at each end for 8 kHz conversions). A file
 * converter that must keep timing exact drops `delaySamples` from the front.
 */
export function resample(input: Int16Array, inputRate: number, outputRate: number): Int16Array {
  const resampler = new StreamingResampler(inputRate, outputRate);
  const body = resampler.process(input);
  const tail = resampler.flush();

  const out = new Int16Array(body.length + tail.length);
  out.set(body, 0);
  out.set(tail, body.length);

  return out;
}
