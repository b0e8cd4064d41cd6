// The WebRTC VAD (libfvad compiled to wasm) with state that can leave the thread. A call's
// batches run on whichever worker is free, so the classifier's state is copied out of the wasm
// heap after each batch and back in before the next: the bytes are libfvad's `struct Fvad`,
// which holds only numbers (no pointers), so a copy is a complete, relocatable state.
import createFvadModule, { type FvadModule } from '@echogarden/fvad-wasm';

/**
 * sizeof(struct Fvad) in this wasm32 build: VadInstT (736 bytes: filter states, GMM means and
 * deviations, minimum-tracking vectors, hangover counters, init flag) plus `rate_idx`.
 * `load()` checks that the allocator really gives an instance this much room.
 */
export const FVAD_STATE_BYTES = 740;

/** Sample rate the VAD runs at: Twilio's own 8 kHz, before any resampling. */
export const VAD_SAMPLE_RATE = 8000;

/** Samples in one VAD frame: 20 ms at 8 kHz, the length of a Twilio frame. */
export const VAD_FRAME_SAMPLES = 160;

/** One wasm module and one scratch instance, reused for every call that visits this thread. */
export class WebRtcVad {
  readonly #module: FvadModule;
  readonly #instance: number;
  readonly #frame: number;

  private constructor(module: FvadModule) {
    this.#module = module;
    this.#instance = module._fvad_new();
    this.#frame = module._malloc(VAD_FRAME_SAMPLES * 2);
    if (this.#instance === 0 || this.#frame === 0) {
      throw Object.assign(new Error('fvad allocation failed'), { code: 'DSP_VAD_ALLOC' });
    }
  }

  /** Instantiates the wasm module and checks the state size assumption. */
  static async load(): Promise<WebRtcVad> {
    const module = await createFvadModule();
    assertStateFits(module);

    return new WebRtcVad(module);
  }

  /** Starts a call's run: loads its saved state, or a fresh one at `mode` when null. */
  restore(state: Uint8Array | null, mode: number): void {
    if (state === null) {
      this.#module._fvad_reset(this.#instance);
      this.#module._fvad_set_mode(this.#instance, mode);
      this.#module._fvad_set_sample_rate(this.#instance, VAD_SAMPLE_RATE);
      return;
    }

    if (state.byteLength !== FVAD_STATE_BYTES) {
      throw new RangeError(`vad state must be ${FVAD_STATE_BYTES} bytes, got ${state.byteLength}`);
    }
    this.#module.HEAPU8.set(state, this.#instance);
  }

  /** Classifies one 20 ms frame of 8 kHz PCM16 (VAD_FRAME_SAMPLES samples). */
  isVoiced(frame: Int16Array): boolean {
    // HEAP16 is re-read each time: the view is replaced whenever the wasm memory grows.
    this.#module.HEAP16.set(frame, this.#frame >> 1);

    return this.#module._fvad_process(this.#instance, this.#frame, frame.length) === 1;
  }

  /** Copies the current call's state into `target` (FVAD_STATE_BYTES long), allocating nothing. */
  snapshotInto(target: Uint8Array): void {
    target.set(this.#module.HEAPU8.subarray(this.#instance, this.#instance + FVAD_STATE_BYTES));
  }

  /** Copies the current call's state out of the wasm heap. */
  snapshot(): Uint8Array {
    return this.#module.HEAPU8.slice(this.#instance, this.#instance + FVAD_STATE_BYTES);
  }
}

// Two instances allocated back to back sit one allocator chunk apart: the struct plus a header
// and alignment (under 8 bytes). A build whose struct differs from FVAD_STATE_BYTES would make
// snapshot() lose state or read a neighbour, so refuse to run instead.
function assertStateFits(module: FvadModule): void {
  const first = module._fvad_new();
  const second = module._fvad_new();
  const roomBytes = Math.abs(second - first);

  module._fvad_free(second);
  module._fvad_free(first);
  if (roomBytes < FVAD_STATE_BYTES || roomBytes > FVAD_STATE_BYTES + 8) {
    throw Object.assign(new Error(`fvad instance chunk is ${roomBytes} bytes, not ~740`), {
      code: 'DSP_VAD_LAYOUT',
    });
  }
}
