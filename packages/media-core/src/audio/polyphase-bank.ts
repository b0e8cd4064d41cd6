// The polyphase filter bank of one conversion ratio: designed once, cached, shared by every
// resampler of that ratio (read-only after design).

import { designLowPass, kaiserLength } from './fir-design.js';

/** Pass edge as a fraction of the lower of the two rates: 3.4 kHz at 8 kHz, the telephone band. */
export const PASSBAND_FRACTION = 0.425;

/** Stop edge as a fraction of the lower rate: 4.6 kHz at 8 kHz, symmetric about its Nyquist. */
export const STOPBAND_FRACTION = 0.575;

/**
 * Design stopband attenuation, dB: well above the 90 dB the tests require, so the PCM16 output
 * rounding (about -120 dB per analysis bin), not the filter, sets the measured image level.
 */
export const DESIGN_ATTENUATION_DB = 120;

// Limit: the transition band (3.4-4.6 kHz when one side is 8 kHz) is not stopband. Content of
// a TTS stream between 4.0 and 4.6 kHz aliases into 3.4-4.0 kHz, and 3.4-4.0 kHz input to the
// 8 → 16 kHz path images into 4.0-4.6 kHz, attenuated less than 120 dB. Both lie outside the
// 300-3400 Hz telephone band; a narrower transition would cost taps on every frame.

/** Largest reduced up- or down-factor accepted; bounds the table at about a megabyte. */
export const MAX_RATIO_FACTOR = 1024;

/** Highest sample rate accepted, Hz. */
export const MAX_SAMPLE_RATE = 768_000;

/** Which inner loop runs a bank: each skips the multiplications its filter makes redundant. */
export type KernelKind = 'identity' | 'halfband-up2' | 'symmetric-down' | 'polyphase';

/** A designed conversion: L/M factors, the filter split into L phases, the kernel to run it. */
export interface PolyphaseBank {
  /** Interpolation factor L (output rate / gcd). */
  readonly upFactor: number;
  /** Decimation factor M (input rate / gcd). */
  readonly downFactor: number;
  /** Length of the prototype filter, taps at L × input rate. */
  readonly filterLength: number;
  /** Input samples each output reads (the history kept between chunks is one less). */
  readonly tapsPerPhase: number;
  /** Group delay, output samples (an integer by construction: the filter is centred on one). */
  readonly delaySamples: number;
  /** L × tapsPerPhase coefficients, phase after phase, each ordered oldest input first. */
  readonly coefficients: Float64Array;
  /** Half of a symmetric filter, for the kernels that add mirrored inputs before multiplying. */
  readonly foldedCoefficients: Float64Array;
  /** The inner loop to use. */
  readonly kind: KernelKind;
}

const banks = new Map<string, PolyphaseBank>();

/** The bank for a conversion, designed on first use and cached for the process lifetime. */
export function polyphaseBank(inputRate: number, outputRate: number): PolyphaseBank {
  checkRate('inputRate', inputRate);
  checkRate('outputRate', outputRate);

  const key = `${inputRate}:${outputRate}`;
  let bank = banks.get(key);
  if (bank === undefined) {
    bank = designBank(inputRate, outputRate);
    banks.set(key, bank);
  }

  return bank;
}

function checkRate(name: string, rate: number): void {
  if (!Number.isInteger(rate) || rate <= 0 || rate > MAX_SAMPLE_RATE) {
    throw new RangeError(
      `${name}: must be an integer from 1 to ${MAX_SAMPLE_RATE} Hz, got ${rate}`,
    );
  }
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];

  return a;
}

function designBank(inputRate: number, outputRate: number): PolyphaseBank {
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  if (up > MAX_RATIO_FACTOR || down > MAX_RATIO_FACTOR) {
    throw new RangeError(
      `outputRate/inputRate: reduced ratio ${up}/${down} has a factor above ${MAX_RATIO_FACTOR}`,
    );
  }
  if (up === 1 && down === 1) return identityBank();

  const lowerRate = Math.min(inputRate, outputRate);
  const spec = {
    sampleRate: up * inputRate,
    passbandHz: PASSBAND_FRACTION * lowerRate,
    stopbandHz: STOPBAND_FRACTION * lowerRate,
    attenuationDb: DESIGN_ATTENUATION_DB,
  };
  const kind = kernelKind(up, down);

  // Length 2·M·D + 1 centres the filter on an output sample, so the delay is D whole samples;
  // the half-band kernel also needs D odd, which puts every other tap of phase 1 at zero.
  let delay = Math.ceil((kaiserLength(spec) - 1) / (2 * down));
  if (kind === 'halfband-up2' && delay % 2 === 0) delay++;
  const length = 2 * down * delay + 1;

  const prototype = designLowPass(spec, length);
  const tapsPerPhase = Math.ceil(length / up);
  const coefficients = splitPhases(prototype, up, tapsPerPhase);

  return {
    upFactor: up,
    downFactor: down,
    filterLength: length,
    tapsPerPhase,
    delaySamples: delay,
    coefficients,
    foldedCoefficients: foldedHalf(coefficients, kind, tapsPerPhase),
    kind,
  };
}

function kernelKind(up: number, down: number): KernelKind {
  if (up === 2 && down === 1) return 'halfband-up2';
  if (up === 1) return 'symmetric-down';

  return 'polyphase';
}

function identityBank(): PolyphaseBank {
  const one = Float64Array.of(1);

  return {
    upFactor: 1,
    downFactor: 1,
    filterLength: 1,
    tapsPerPhase: 1,
    delaySamples: 0,
    coefficients: one,
    foldedCoefficients: one,
    kind: 'identity',
  };
}

/**
 * Splits the prototype into `up` phases of `tapsPerPhase` taps, each reversed so that the inner
 * loop walks the input oldest first, and each scaled to sum to exactly 1: every phase then has
 * unit DC gain, so a constant input gives a constant output with no image at DC.
 */
function splitPhases(prototype: Float64Array, up: number, tapsPerPhase: number): Float64Array {
  const coefficients = new Float64Array(up * tapsPerPhase);

  for (let phase = 0; phase < up; phase++) {
    let sum = 0;
    for (let j = 0; j < tapsPerPhase; j++) {
      const tap = prototype[phase + j * up] ?? 0;
      coefficients[phase * tapsPerPhase + (tapsPerPhase - 1 - j)] = tap;
      sum += tap;
    }

    for (let j = 0; j < tapsPerPhase; j++) coefficients[phase * tapsPerPhase + j]! /= sum;
  }

  return coefficients;
}

/**
 * The coefficients the folding kernels multiply by: for the half-band upsampler, phase 0's first
 * half (its second half mirrors it); for decimation, the first half of the filter and its centre.
 */
function foldedHalf(coefficients: Float64Array, kind: KernelKind, taps: number): Float64Array {
  if (kind === 'halfband-up2') return coefficients.slice(0, taps / 2);
  if (kind === 'symmetric-down') return coefficients.slice(0, (taps + 1) / 2);

  return new Float64Array(0);
}
