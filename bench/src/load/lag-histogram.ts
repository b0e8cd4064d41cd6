// A fixed-bin histogram of lags in whole milliseconds: constant time per sample and no
// allocation, since the generator records one sample per frame of every call.

/** Lags in 1 ms bins from 0 to `maxMs`; larger lags land in the last bin. */
export class LagHistogram {
  private readonly bins: Uint32Array;
  private samples = 0;
  private largestMs = 0;

  /** `maxMs`: the largest lag told apart, in ms (default 2000). */
  constructor(readonly maxMs = 2000) {
    this.bins = new Uint32Array(maxMs + 1);
  }

  /** Samples recorded since the last reset. */
  get count(): number {
    return this.samples;
  }

  /** Largest lag recorded since the last reset, ms (exact, not binned). */
  get maxLagMs(): number {
    return this.largestMs;
  }

  /** Records one lag, in ms; negative lags (early) count as 0. */
  record(lagMs: number): void {
    const bin = Math.min(this.maxMs, Math.max(0, Math.floor(lagMs)));
    this.bins[bin] = (this.bins[bin] ?? 0) + 1;
    this.samples++;
    if (lagMs > this.largestMs) this.largestMs = lagMs;
  }

  /** The q-quantile (0 < q ≤ 1) to 1 ms (the lower edge of the bin holding it); NaN if empty. */
  quantileMs(q: number): number {
    if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1] (got ${q})`);
    if (this.samples === 0) return NaN;

    const rank = Math.ceil(q * this.samples);
    let seen = 0;
    for (let bin = 0; bin < this.bins.length; bin++) {
      seen += this.bins[bin] ?? 0;
      if (seen >= rank) return bin;
    }

    return this.maxMs;
  }

  /** Forgets every sample. */
  reset(): void {
    this.bins.fill(0);
    this.samples = 0;
    this.largestMs = 0;
  }
}
