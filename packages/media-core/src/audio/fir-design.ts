// Kaiser-windowed sinc low-pass design (Kaiser 1974; the length and beta formulas are his).

/** What a low-pass filter must meet, in Hz at the rate it runs at. */
export interface LowPassSpec {
  /** Rate the filter runs at, Hz. */
  sampleRate: number;
  /** Last frequency that must pass flat, Hz. */
  passbandHz: number;
  /** First frequency that must be attenuated by `attenuationDb`, Hz. */
  stopbandHz: number;
  /** Stopband attenuation (and, for a Kaiser design, passband ripple 20·log10(1 ± δ)), dB. */
  attenuationDb: number;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
export function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let sum = 1;

  // The series converges fast for the betas a filter uses (< 20): stop when a term stops counting.
  for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }

  return sum;
}

/** Kaiser's beta for a stopband attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) {
    return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  }

  return 0;
}

/** Kaiser's estimate of the number of taps that meets `spec`. */
export function kaiserLength(spec: LowPassSpec): number {
  const transition = (2 * Math.PI * (spec.stopbandHz - spec.passbandHz)) / spec.sampleRate;

  return Math.ceil((spec.attenuationDb - 7.95) / (2.285 * transition)) + 1;
}

/** The Kaiser window of `length` points, as used for spectral analysis or filter design. */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const window = new Float64Array(length);
  const half = (length - 1) / 2;
  const norm = besselI0(beta);

  for (let n = 0; n < length; n++) {
    const x = half === 0 ? 0 : (n - half) / half;
    window[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / norm;
  }

  return window;
}

/**
 * Designs a linear-phase low-pass of exactly `length` taps (odd, so the centre is a sample),
 * cut off half way between the pass and stop edges, with unit gain at DC.
 */
export function designLowPass(spec: LowPassSpec, length: number): Float64Array {
  const cutoff = (spec.passbandHz + spec.stopbandHz) / 2 / spec.sampleRate;
  const window = kaiserWindow(length, kaiserBeta(spec.attenuationDb));
  const centre = (length - 1) / 2;
  const taps = new Float64Array(length);

  for (let n = 0; n < length; n++) {
    const t = n - centre;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    taps[n] = sinc * (window[n] as number);
  }

  return taps;
}
