// Voice activity for barge-in, the pure part: frame energy, and a gate that turns the per-frame
// verdicts of a classifier (the WebRTC VAD in the DSP workers) into speech with minimum
// durations. Its state is a plain object so it can travel between worker threads.

/** Options of voice activity detection; every field has a default tuned on the fixtures. */
export interface VadOptions {
  /** WebRTC VAD aggressiveness, 0 (reports speech most often) to 3 (least often). */
  mode?: 0 | 1 | 2 | 3;
  /** Voiced audio needed before speech starts, in ms; shorter bursts (a cough) never start it. */
  minSpeechMs?: number;
  /** Unvoiced audio needed before speech ends, in ms (the hangover). */
  minSilenceMs?: number;
  /** Frames quieter than this, in dBFS, are never voiced, whatever the classifier says. */
  minEnergyDb?: number;
}

/** VadOptions with every default filled in. */
export type ResolvedVadOptions = Required<VadOptions>;

/** Defaults: chosen from the accuracy measured on the fixtures (see test/vad). */
export const DEFAULT_VAD_OPTIONS: ResolvedVadOptions = {
  mode: 3,
  minSpeechMs: 200,
  minSilenceMs: 400,
  minEnergyDb: -50,
};

/** Energy reported for digital silence, in dBFS (log of zero is not a number). */
export const SILENCE_FLOOR_DB = -100;

/** Fills in defaults and checks ranges; a bad field throws a RangeError that names it. */
export function resolveVadOptions(options: VadOptions = {}): ResolvedVadOptions {
  const resolved = { ...DEFAULT_VAD_OPTIONS, ...stripUndefined(options) };

  if (![0, 1, 2, 3].includes(resolved.mode)) {
    throw new RangeError(`vad.mode must be 0, 1, 2 or 3, got ${String(resolved.mode)}`);
  }
  for (const field of ['minSpeechMs', 'minSilenceMs'] as const) {
    const value = resolved[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`vad.${field} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  if (!Number.isFinite(resolved.minEnergyDb)) {
    throw new RangeError(`vad.minEnergyDb must be a finite number, got ${resolved.minEnergyDb}`);
  }

  return resolved;
}

function stripUndefined(options: VadOptions): VadOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** Mean power of PCM16 samples relative to full scale, in dBFS; SILENCE_FLOOR_DB when silent. */
export function frameEnergyDb(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;

  if (sum === 0 || samples.length === 0) return SILENCE_FLOOR_DB;

  const db = 10 * Math.log10(sum / samples.length / (32768 * 32768));
  return Math.max(db, SILENCE_FLOOR_DB);
}

/** Where the speech gate stands; plain numbers, structured-cloneable. */
export interface SpeechGateState {
  /** True between speech start and speech end. */
  speaking: boolean;
  /** Leaky count of voiced audio while not speaking, in ms. */
  onsetMs: number;
  /** Unvoiced audio since the last voiced frame while speaking, in ms. */
  silenceMs: number;
}

/** The gate before any audio. */
export function initialSpeechGateState(): SpeechGateState {
  return { speaking: false, onsetMs: 0, silenceMs: 0 };
}

/**
 * Advances the gate by one frame and returns whether the frame is inside speech. Onset counts
 * voiced audio up and unvoiced audio down (not to zero at once) so that the flicker of a
 * frame classifier inside a word does not restart the count, while a short burst never
 * reaches `minSpeechMs`. The end of speech needs `minSilenceMs` of unbroken unvoiced audio.
 */
export function advanceSpeechGate(
  state: SpeechGateState,
  voiced: boolean,
  frameMs: number,
  options: ResolvedVadOptions,
): boolean {
  if (!state.speaking) {
    state.onsetMs = voiced ? state.onsetMs + frameMs : Math.max(0, state.onsetMs - frameMs);
    if (state.onsetMs >= options.minSpeechMs && voiced) {
      state.speaking = true;
      state.onsetMs = 0;
      state.silenceMs = 0;
    }

    return state.speaking;
  }

  state.silenceMs = voiced ? 0 : state.silenceMs + frameMs;
  if (state.silenceMs >= options.minSilenceMs) {
    state.speaking = false;
    state.silenceMs = 0;
  }

  return state.speaking;
}
