// The inner loops of the resampler. Each reads a work buffer whose first `tapsPerPhase - 1`
// samples are the history carried from earlier chunks, followed by `count` new input samples,
// and writes the PCM16 outputs those complete.
//
// Why the kernels compute nothing after their loops: V8 caches the on-stack-replacement code
// of a long loop, and an arithmetic operation after the loop that had no type feedback when
// that code was compiled made it deoptimise at every call (a measured 3× slowdown). The caller
// advances the phase instead.
//
// Why Float64Array for samples and coefficients: the multiply-adds then need no int-to-double
// conversion and nothing is boxed; the loops allocate nothing, which is what a path run 50
// times a second for every call needs.

import type { PolyphaseBank } from './polyphase-bank.js';

/** Rounds to the nearest PCM16 value, saturating (an Int16Array store would wrap instead). */
export function toPcm16(value: number): number {
  return Math.round(value < -32768 ? -32768 : value > 32767 ? 32767 : value);
}

/** Arguments every kernel takes; `phase` is the next output's position in units of 1/L input. */
export interface KernelCall {
  /** The filter bank. */
  bank: PolyphaseBank;
  /** History followed by the new input. */
  work: Float64Array;
  /** New input samples in `work`. */
  count: number;
  /** Position of the next output, in 1/L input samples after the first new input. */
  phase: number;
  /** Where outputs go, from index 0. */
  out: Int16Array;
}

/** Runs the bank's kernel: writes `outputCount(bank, count, phase)` samples to `out`. */
export function runKernel(call: KernelCall): void {
  switch (call.bank.kind) {
    case 'identity':
      return copyThrough(call);
    case 'halfband-up2':
      return halfBandUp2(call);
    case 'symmetric-down':
      return symmetricDown(call);
    case 'polyphase':
      return polyphase(call);
  }
}

/** Outputs a chunk of `count` inputs completes when the next output sits at `phase`. */
export function outputCount(bank: PolyphaseBank, count: number, phase: number): number {
  const span = bank.upFactor * count - phase;

  return span <= 0 ? 0 : Math.ceil(span / bank.downFactor);
}

function copyThrough({ work, count, out }: KernelCall): void {
  for (let i = 0; i < count; i++) out[i] = work[i] as number;
}

/**
 * 2× interpolation with a half-band filter: phase 1 is the centre tap alone (a pure delay of
 * the input, copied exactly), phase 0 is symmetric, so mirrored inputs are added before the
 * multiply: K multiplications per input sample instead of 4K.
 */
function halfBandUp2(call: KernelCall): void {
  const { work, count, out } = call;
  const half = call.bank.foldedCoefficients.length;

  // With M = 1 every chunk starts at phase 0: input r completes outputs 2r and 2r + 1.
  let r = 0;
  for (; r + 3 < count; r += 4) halfBandQuad(call, r);
  for (; r < count; r++) {
    out[2 * r] = toPcm16(halfBandSum(call, r));
    out[2 * r + 1] = work[r + half] as number;
  }
}

/** Phase 0 of input r: Σ g[j]·(x[r+j] + x[r+2K-1-j]). */
function halfBandSum({ bank, work }: KernelCall, r: number): number {
  const folded = bank.foldedCoefficients;
  const half = folded.length;
  const last = 2 * half - 1;

  let acc = 0;
  for (let j = 0; j < half; j++) {
    acc += (folded[j] as number) * ((work[r + j] as number) + (work[r + last - j] as number));
  }

  return acc;
}

/**
 * Four consecutive inputs at once. Why: their windows overlap, so each step loads one new
 * sample at each end and slides the rest through registers, and each coefficient is loaded
 * once for four outputs; about twice as fast as one output at a time, with the same sums in
 * the same order (bit-identical results).
 */
function halfBandQuad({ bank, work, out }: KernelCall, r: number): void {
  const folded = bank.foldedCoefficients;
  const half = folded.length;
  const last = 2 * half - 1;

  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let low0 = work[r] as number;
  let low1 = work[r + 1] as number;
  let low2 = work[r + 2] as number;
  let high1 = work[r + 1 + last] as number;
  let high2 = work[r + 2 + last] as number;
  let high3 = work[r + 3 + last] as number;
  for (let j = 0; j < half; j++) {
    const c = folded[j] as number;
    const low3 = work[r + 3 + j] as number;
    const high0 = work[r + last - j] as number;
    a0 += c * (low0 + high0);
    a1 += c * (low1 + high1);
    a2 += c * (low2 + high2);
    a3 += c * (low3 + high3);
    low0 = low1;
    low1 = low2;
    low2 = low3;
    high3 = high2;
    high2 = high1;
    high1 = high0;
  }

  const n = 2 * r;
  out[n] = toPcm16(a0);
  out[n + 1] = work[r + half] as number;
  out[n + 2] = toPcm16(a1);
  out[n + 3] = work[r + 1 + half] as number;
  out[n + 4] = toPcm16(a2);
  out[n + 5] = work[r + 2 + half] as number;
  out[n + 6] = toPcm16(a3);
  out[n + 7] = work[r + 3 + half] as number;
}

/** Decimation by M with a symmetric odd-length filter: mirrored inputs added, centre tap alone. */
function symmetricDown(call: KernelCall): void {
  const { bank, count, phase, out } = call;
  const step = bank.downFactor;

  let n = 0;
  let r = phase;
  for (; r + 3 * step < count; r += 4 * step, n += 4) symmetricQuad(call, r, n);
  for (; r < count; r += step) out[n++] = toPcm16(symmetricSum(call, r));
}

/** One decimated output whose window starts at r. */
function symmetricSum({ bank, work }: KernelCall, r: number): number {
  const folded = bank.foldedCoefficients;
  const centre = folded.length - 1;
  const last = 2 * centre;

  let acc = (folded[centre] as number) * (work[r + centre] as number);
  for (let j = 0; j < centre; j++) {
    acc += (folded[j] as number) * ((work[r + j] as number) + (work[r + last - j] as number));
  }

  return acc;
}

/** Four decimated outputs at r, r+M, r+2M, r+3M: each coefficient loaded once for four. */
function symmetricQuad({ bank, work, out }: KernelCall, r: number, n: number): void {
  const folded = bank.foldedCoefficients;
  const centre = folded.length - 1;
  const last = 2 * centre;
  const step = bank.downFactor;
  const r1 = r + step;
  const r2 = r1 + step;
  const r3 = r2 + step;

  const middle = folded[centre] as number;
  let a0 = middle * (work[r + centre] as number);
  let a1 = middle * (work[r1 + centre] as number);
  let a2 = middle * (work[r2 + centre] as number);
  let a3 = middle * (work[r3 + centre] as number);
  for (let j = 0; j < centre; j++) {
    const c = folded[j] as number;
    const k = last - j;
    a0 += c * ((work[r + j] as number) + (work[r + k] as number));
    a1 += c * ((work[r1 + j] as number) + (work[r1 + k] as number));
    a2 += c * ((work[r2 + j] as number) + (work[r2 + k] as number));
    a3 += c * ((work[r3 + j] as number) + (work[r3 + k] as number));
  }

  out[n] = toPcm16(a0);
  out[n + 1] = toPcm16(a1);
  out[n + 2] = toPcm16(a2);
  out[n + 3] = toPcm16(a3);
}

/**
 * Any L/M: output n uses phase (n·M mod L) against the inputs ending at floor(n·M / L).
 *
 * Limit: one output at a time with no folding, so ratios that land here (22.05 or 44.1 kHz
 * to 8 kHz, 24 → 16 kHz) cost 2-4× the special kernels per frame (about 40-70 µs per 20 ms
 * frame on the bench machine); a rate a provider can choose is best picked from 16/24/48 kHz.
 */
function polyphase({ bank, work, count, phase, out }: KernelCall): void {
  const { upFactor: up, downFactor: down, tapsPerPhase: taps, coefficients } = bank;
  const wholeStep = Math.floor(down / up);
  const fractionStep = down - wholeStep * up;

  let r = Math.floor(phase / up);
  let p = phase - r * up;
  let n = 0;
  while (r < count) {
    const base = p * taps;
    let acc = 0;
    for (let k = 0; k < taps; k++) {
      acc += (coefficients[base + k] as number) * (work[r + k] as number);
    }

    out[n++] = toPcm16(acc);

    r += wholeStep;
    p += fractionStep;
    if (p >= up) {
      p -= up;
      r++;
    }
  }
}
