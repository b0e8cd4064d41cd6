// A per-call noise floor for voice activity: the minimum of frame energies over the last
// couple of seconds (minimum statistics). Stationary line noise sits at its floor, speech rises
// well above it, so a frame must clear the floor by a margin to count as voiced. The state is
// plain numbers so it can travel between worker threads with the rest of a call's state.

/** Sub-windows whose minima make up the floor's memory. */
export const NOISE_FLOOR_WINDOWS = 4;

/**
 * Length of one sub-window, in ms: the floor remembers 4 to 5 of them (1.6 to 2 s). Why this
 * long: speech pauses (stops, breaths, gaps between words) come well within 2 s, so the minimum
 * stays at the line's noise even inside speech and speech frames never lift it; why no longer:
 * noise that jumps up mid-call counts as speech until the old minima leave the memory.
 */
export const NOISE_FLOOR_WINDOW_MS = 400;

/** Where the noise floor tracker stands; plain numbers, structured-cloneable. */
export interface NoiseFloorState {
  /** Lowest frame energy of the sub-window being filled, in dBFS (Infinity when empty). */
  windowMinDb: number;
  /** Audio counted into the current sub-window, in ms. */
  windowMs: number;
  /** Minima of the last NOISE_FLOOR_WINDOWS full sub-windows, in dBFS (Infinity when unseen). */
  pastMinsDb: number[];
}

/** The tracker before any audio: no floor yet (Infinity), so the first frame sets it. */
export function initialNoiseFloorState(): NoiseFloorState {
  return {
    windowMinDb: Number.POSITIVE_INFINITY,
    windowMs: 0,
    pastMinsDb: new Array<number>(NOISE_FLOOR_WINDOWS).fill(Number.POSITIVE_INFINITY),
  };
}

/** The current floor in dBFS: the lowest energy in memory; Infinity before the first frame. */
export function noiseFloorDb(state: NoiseFloorState): number {
  let floor = state.windowMinDb;
  for (const min of state.pastMinsDb) floor = Math.min(floor, min);

  return floor;
}

/**
 * Adds one frame's energy. A quieter frame lowers the floor at once (fast attack down); a
 * louder floor is only reached when the quieter minima age out of memory, after up to
 * NOISE_FLOOR_WINDOWS + 1 sub-windows (slow rise).
 */
export function advanceNoiseFloor(state: NoiseFloorState, energyDb: number, frameMs: number): void {
  state.windowMinDb = Math.min(state.windowMinDb, energyDb);
  state.windowMs += frameMs;
  if (state.windowMs < NOISE_FLOOR_WINDOW_MS) return;

  state.pastMinsDb.shift();
  state.pastMinsDb.push(state.windowMinDb);
  state.windowMinDb = Number.POSITIVE_INFINITY;
  state.windowMs = 0;
}
