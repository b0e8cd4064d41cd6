// Voice activity for barge-in, the pure part: frame energy, and a gate that turns the per-frame
// verdicts of a classifier (the WebRTC VAD in the DSP workers) into speech with minimum
// durations, above a per-call noise floor. Its state is a plain object so it can travel
// between worker threads.
import {
  advanceNoiseFloor,
  initialNoiseFloorState,
  noiseFloorDb,
  type NoiseFloorState,
} from './vad-noise-floor.js';

export * from './vad-noise-floor.js';

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
  /** Frames less than this far above the call's noise floor, in dB, are never voiced. */
  noiseMarginDb?: number;
}

/** VadOptions with every default filled in. */
export type ResolvedVadOptions = Required<VadOptions>;

/** Defaults: chosen from the accuracy measured on the fixtures (see test/vad). */
export const DEFAULT_VAD_OPTIONS: ResolvedVadOptions = {
  mode: 3,
  minSpeechMs: 200,
  minSilenceMs: 400,
  minEnergyDb: -50,
  noiseMarginDb: 8,
};

/** Largest accepted noiseMarginDb, in dB: beyond it even loud speech over a quiet line fails. */
export const MAX_NOISE_MARGIN_DB = 40;

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
  const margin = resolved.noiseMarginDb;
  if (!Number.isFinite(margin) || margin < 0 || margin > MAX_NOISE_MARGIN_DB) {
    throw new RangeError(
      `vad.noiseMarginDb must be a number from 0 to ${MAX_NOISE_MARGIN_DB}, got ${margin}`,
    );
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
  /** The call's noise floor tracker. */
  noise: NoiseFloorState;
}

/** The gate before any audio. */
export function initialSpeechGateState(): SpeechGateState {
  return { speaking: false, onsetMs: 0, silenceMs: 0, noise: initialNoiseFloorState() };
}

/**
 * Share of noiseMarginDb a frame needs once voiced audio has begun (onset counting or inside
 * speech). Why a lower bar then: the quiet ends of syllables sit only a few dB above line noise,
 * and losing them makes the leaky onset count fall back between syllables; a start still needs
 * the full margin, which stationary noise never clears.
 */
export const CONTINUING_MARGIN_SHARE = 0.5;

/**
 * Judges one frame and feeds its energy to the noise floor: voiced when the classifier says so,
 * the frame is at least `minEnergyDb` loud and at least `noiseMarginDb` above the floor measured
 * before it (stationary noise, however loud, stays within a few dB of its own floor); once
 * voiced audio has begun, CONTINUING_MARGIN_SHARE of that margin.
 */
export function judgeFrame(
  state: SpeechGateState,
  classifierVoiced: boolean,
  energyDb: number,
  frameMs: number,
  options: ResolvedVadOptions,
): boolean {
  const building = state.speaking || state.onsetMs > 0;
  const marginDb = options.noiseMarginDb * (building ? CONTINUING_MARGIN_SHARE : 1);
  const aboveFloor = energyDb >= noiseFloorDb(state.noise) + marginDb;
  const voiced = classifierVoiced && energyDb >= options.minEnergyDb && aboveFloor;

  advanceNoiseFloor(state.noise, energyDb, frameMs);
  return voiced;
}

/**
 * Share of an unvoiced frame's length taken off the onset count. Why half: over line noise the
 * classifier drops single frames inside syllables and the gaps between short syllables sit at
 * the noise floor; at full speed those losses delayed speech by up to 400 ms on the fixtures,
 * while a cough (voiced in bursts far shorter than minSpeechMs) still never starts speech.
 */
export const ONSET_LEAK_SHARE = 0.5;

/**
 * Advances the gate by one frame and returns whether the frame is inside speech. Onset counts
 * voiced audio up and unvoiced audio down at half speed (not to zero at once) so that the
 * flicker of a frame classifier inside a word does not restart the count, while a short burst
 * never reaches `minSpeechMs`. The end of speech needs `minSilenceMs` of unbroken unvoiced audio.
 */
export function advanceSpeechGate(
  state: SpeechGateState,
  voiced: boolean,
  frameMs: number,
  options: ResolvedVadOptions,
): boolean {
  if (!state.speaking) {
    const leakMs = frameMs * ONSET_LEAK_SHARE;
    state.onsetMs = voiced ? state.onsetMs + frameMs : Math.max(0, state.onsetMs - leakMs);
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
