// Measures a sample-rate converter on tones: passband gain, and the level of the images
// (upsampling) or aliases (downsampling) at the frequency where theory puts them. One measuring
// code for the tests of this package and for the bench that compares it with other resamplers.

import { kaiserWindow } from './fir-design.js';

/** A converter under test: PCM16 in, samples in PCM16 units out (floats allowed). */
export type ConvertFn = (input: Int16Array) => ArrayLike<number>;

/** How to measure. Frequencies in Hz; defaults follow the resampler's own design fractions. */
export interface QualityOptions {
  /** Top of the passband (gain checked, spurious tones counted), Hz (0.425 × lower rate). */
  passbandHz?: number;
  /** Lowest test tone, Hz (100). */
  lowestToneHz?: number;
  /** Tones per grid (24). */
  toneCount?: number;
  /** Shifts the quasi-random grid, so a run can use tones nobody tuned for (0). */
  gridSeed?: number;
}

/** One tone's result. */
export interface ToneResult {
  /** Input tone, Hz. */
  toneHz: number;
  /** Where the measured component sits in the output, Hz. */
  atHz: number;
  /** Its level relative to the input tone, dB. */
  levelDb: number;
}

/** What a converter does to tones. */
export interface ConversionQuality {
  /** Lowest passband gain (DC included), dB. */
  passbandMinDb: number;
  /** Highest passband gain, dB. */
  passbandMaxDb: number;
  /** Largest |gain| over the passband, dB. */
  passbandDeviationDb: number;
  /** 'image' when upsampling, 'alias' when downsampling. */
  spuriousKind: 'image' | 'alias';
  /** Worst image or alias relative to its tone, dB (-Infinity when the grid predicts none). */
  worstSpuriousDb: number;
  /** The tone that produced the worst image or alias. */
  worstSpurious: ToneResult | undefined;
  /** Every passband tone's gain. */
  passband: ToneResult[];
  /** Every image or alias measured. */
  spurious: ToneResult[];
}

/** Test tone amplitude, PCM16 units (-6 dBFS: no clipping however a converter overshoots). */
const TONE_AMPLITUDE = 16384;

/** Test signal length, ms. */
const TONE_MS = 600;

/** Output skipped before analysis, ms: well past any converter's start-up transient. */
const SETTLE_MS = 150;

/** Analysis window length, ms. */
const ANALYSIS_MS = 300;

/** Analysis window: Kaiser beta 20 keeps leakage far below -150 dB a few dozen Hz away. */
const ANALYSIS_BETA = 20;

/** Margin kept from DC and from the output Nyquist for a spurious frequency, Hz. */
const EDGE_MARGIN_HZ = 60;

/** Amplitude of the sine at `frequencyHz` in `signal`: a Kaiser-windowed DFT at exactly it. */
export function toneAmplitude(
  signal: ArrayLike<number>,
  sampleRate: number,
  frequencyHz: number,
  startIndex: number,
  length: number,
): number {
  const window = analysisWindow(length);
  const omega = (2 * Math.PI * frequencyHz) / sampleRate;
  let re = 0;
  let im = 0;
  let windowSum = 0;

  for (let n = 0; n < length; n++) {
    const w = window[n] as number;
    const x = (signal[startIndex + n] ?? 0) * w;
    re += x * Math.cos(omega * n);
    im -= x * Math.sin(omega * n);
    windowSum += w;
  }

  return (2 * Math.hypot(re, im)) / windowSum;
}

const windows = new Map<number, Float64Array>();

function analysisWindow(length: number): Float64Array {
  let window = windows.get(length);
  if (window === undefined) {
    window = kaiserWindow(length, ANALYSIS_BETA);
    windows.set(length, window);
  }

  return window;
}

/** A PCM16 sine of `durationMs`, rounded to integers. */
export function sineTone(frequencyHz: number, sampleRate: number, durationMs: number): Int16Array {
  const length = Math.round((sampleRate * durationMs) / 1000);
  const tone = new Int16Array(length);
  const omega = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let n = 0; n < length; n++) tone[n] = Math.round(TONE_AMPLITUDE * Math.sin(omega * n));

  return tone;
}

/**
 * `count` tones spread over [lowHz, highHz) at quasi-random (golden-ratio) offsets, so none is a
 * simple fraction of a sample rate and leftover periodic error cannot line up with a bin.
 */
export function toneGrid(lowHz: number, highHz: number, count: number, seed = 0): number[] {
  const golden = 0.6180339887498949;
  const tones: number[] = [];
  for (let k = 0; k < count; k++) {
    const offset = ((k + seed + 1) * golden) % 1;
    tones.push(lowHz + ((highHz - lowHz) * (k + offset)) / count);
  }

  return tones;
}

/** Where a tone of `toneHz` at the input shows up as a spurious component at the output. */
export function spuriousFrequencies(
  toneHz: number,
  inputRate: number,
  outputRate: number,
): number[] {
  const nyquist = outputRate / 2;
  if (outputRate > inputRate) {
    // Upsampling: images at k·fin ± f, up to the output Nyquist.
    const images: number[] = [];
    for (let k = 1; k * inputRate - toneHz < nyquist; k++) {
      images.push(k * inputRate - toneHz);
      if (k * inputRate + toneHz < nyquist) images.push(k * inputRate + toneHz);
    }

    return images;
  }

  // Downsampling: the tone folds about multiples of the output rate.
  const folded = toneHz % outputRate;

  return [folded > nyquist ? outputRate - folded : folded];
}

/** Measures `convert` from `inputRate` to `outputRate` on a tone grid and a DC step. */
export function measureConversion(
  convert: ConvertFn,
  inputRate: number,
  outputRate: number,
  options: QualityOptions = {},
): ConversionQuality {
  const lowerRate = Math.min(inputRate, outputRate);
  const passbandHz = options.passbandHz ?? 0.425 * lowerRate;
  const lowestHz = options.lowestToneHz ?? 100;
  const count = options.toneCount ?? 24;
  const seed = options.gridSeed ?? 0;

  const passband = toneGrid(lowestHz, passbandHz, count, seed).map((toneHz) =>
    measureTone(convert, inputRate, outputRate, toneHz, toneHz),
  );
  const dcGain = measureDc(convert, inputRate, outputRate);
  const gains = [dcGain, ...passband.map((tone) => tone.levelDb)];

  const spurious = spuriousTones(inputRate, outputRate, passbandHz, lowestHz, count, seed).flatMap(
    (toneHz) => measureSpurious(convert, inputRate, outputRate, toneHz, passbandHz),
  );
  const worst = spurious.reduce<ToneResult | undefined>(
    (a, b) => (a === undefined || b.levelDb > a.levelDb ? b : a),
    undefined,
  );

  return {
    passbandMinDb: Math.min(...gains),
    passbandMaxDb: Math.max(...gains),
    passbandDeviationDb: Math.max(...gains.map(Math.abs)),
    spuriousKind: outputRate > inputRate ? 'image' : 'alias',
    worstSpuriousDb: worst?.levelDb ?? -Infinity,
    worstSpurious: worst,
    passband,
    spurious,
  };
}

/** Input tones whose images or aliases are expected: passband tones up, stopband tones down. */
function spuriousTones(
  inputRate: number,
  outputRate: number,
  passbandHz: number,
  lowestHz: number,
  count: number,
  seed: number,
): number[] {
  // Upsampling: only tones above fin - fout/2 have an image below the output Nyquist.
  if (outputRate > inputRate) {
    const imageFloorHz = Math.max(lowestHz, inputRate - outputRate / 2 + EDGE_MARGIN_HZ);

    return toneGrid(imageFloorHz, passbandHz, count, seed);
  }

  // Tones that fold into the output passband: from (fout - passband) to the input Nyquist.
  const grid = toneGrid(outputRate - passbandHz, inputRate / 2 - EDGE_MARGIN_HZ, count, seed);

  return grid.filter((toneHz) => {
    const [alias] = spuriousFrequencies(toneHz, inputRate, outputRate);

    return alias !== undefined && alias <= passbandHz && alias >= EDGE_MARGIN_HZ;
  });
}

function measureTone(
  convert: ConvertFn,
  inputRate: number,
  outputRate: number,
  toneHz: number,
  atHz: number,
): ToneResult {
  const output = convert(sineTone(toneHz, inputRate, TONE_MS));
  const level = toneAmplitude(output, outputRate, atHz, ...analysisSpan(outputRate, output));

  return { toneHz, atHz, levelDb: 20 * Math.log10(level / TONE_AMPLITUDE) };
}

function measureSpurious(
  convert: ConvertFn,
  inputRate: number,
  outputRate: number,
  toneHz: number,
  passbandHz: number,
): ToneResult[] {
  const nyquist = outputRate / 2;
  const output = convert(sineTone(toneHz, inputRate, TONE_MS));
  const span = analysisSpan(outputRate, output);

  return spuriousFrequencies(toneHz, inputRate, outputRate)
    .filter((atHz) => atHz >= EDGE_MARGIN_HZ && atHz <= nyquist - EDGE_MARGIN_HZ)
    .filter((atHz) => outputRate > inputRate || atHz <= passbandHz)
    .map((atHz) => {
      const level = toneAmplitude(output, outputRate, atHz, ...span);

      return { toneHz, atHz, levelDb: 20 * Math.log10(Math.max(level, 1e-12) / TONE_AMPLITUDE) };
    });
}

/** Gain at 0 Hz, dB: the mean of the settled output of a constant input. */
function measureDc(convert: ConvertFn, inputRate: number, outputRate: number): number {
  const input = new Int16Array(Math.round((inputRate * TONE_MS) / 1000)).fill(TONE_AMPLITUDE);
  const output = convert(input);
  const [start, length] = analysisSpan(outputRate, output);

  let sum = 0;
  for (let n = start; n < start + length; n++) sum += output[n] ?? 0;

  return 20 * Math.log10(sum / length / TONE_AMPLITUDE);
}

function analysisSpan(outputRate: number, output: ArrayLike<number>): [number, number] {
  const start = Math.round((outputRate * SETTLE_MS) / 1000);
  const length = Math.round((outputRate * ANALYSIS_MS) / 1000);
  if (output.length < start + length) {
    throw new RangeError(`convert: returned ${output.length} samples, need ${start + length}`);
  }

  return [start, length];
}
