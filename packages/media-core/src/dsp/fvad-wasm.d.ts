// Types for @echogarden/fvad-wasm, which ships JavaScript only: an Emscripten build of libfvad
// (the WebRTC VAD) whose default export instantiates the wasm module.
declare module '@echogarden/fvad-wasm' {
  /** The instantiated module: libfvad's C functions and the wasm heap. */
  export interface FvadModule {
    /** Allocates and initialises a VAD instance; returns its address (0 on failure). */
    _fvad_new(): number;
    /** Frees an instance. */
    _fvad_free(instance: number): void;
    /** Clears all state; mode and sample rate return to their defaults. */
    _fvad_reset(instance: number): void;
    /** Aggressiveness 0-3; returns 0, or -1 for an invalid mode. */
    _fvad_set_mode(instance: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000 Hz; returns 0, or -1 for an invalid rate. */
    _fvad_set_sample_rate(instance: number, sampleRate: number): number;
    /** Classifies 10, 20 or 30 ms of PCM16 at `frame`; 1 voiced, 0 not, -1 invalid length. */
    _fvad_process(instance: number, frame: number, sampleCount: number): number;
    /** Allocates `bytes` on the wasm heap. */
    _malloc(bytes: number): number;
    /** Frees a heap allocation. */
    _free(address: number): void;
    /** The heap as bytes. */
    HEAPU8: Uint8Array;
    /** The heap as PCM16 samples. */
    HEAP16: Int16Array;
  }

  /** Loads fvad.wasm next to the script and instantiates it. */
  export default function createFvadModule(): Promise<FvadModule>;
}
