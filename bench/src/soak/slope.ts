// Least-squares fits and the figures a soak reports from its samples: pure functions, no I/O.
import { median } from '../report.js';

/** One sample of the agent during the run. */
export interface SoakSample {
  /** When it was taken, ms since the run started. */
  atMs: number;
  /** Resident set size, bytes. */
  rssBytes: number;
  /** V8 heap in use (not collected first), bytes; NaN when not read. */
  heapUsedBytes: number;
  /** Event-loop delay p99 since the previous sample, ms; NaN when not read. */
  loopDelayP99Ms: number;
  /** Open calls the agent counts (media_active_calls); NaN when not read. */
  activeCalls: number;
  /** Calls completed so far (the bench's count). */
  callsCompleted: number;
}

/** A straight line fitted by least squares. */
export interface LineFit {
  /** dy/dx; NaN with fewer than 2 points or no spread in x. */
  slope: number;
  /** y at x = 0; NaN when the slope is. */
  intercept: number;
  /** Points fitted. */
  points: number;
}

/**
 * Fits y = slope·x + intercept by ordinary least squares; pairs with a non-finite value are left
 * out.
 */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  if (xs.length !== ys.length) throw new RangeError('xs and ys must have the same length');

  const pairs = xs
    .map((x, index) => [x, ys[index] as number] as const)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const n = pairs.length;
  const meanX = pairs.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = pairs.reduce((sum, [, y]) => sum + y, 0) / n;

  let spreadXY = 0;
  let spreadXX = 0;
  for (const [x, y] of pairs) {
    spreadXY += (x - meanX) * (y - meanY);
    spreadXX += (x - meanX) ** 2;
  }
  if (n < 2 || spreadXX === 0) return { slope: NaN, intercept: NaN, points: n };

  const slope = spreadXY / spreadXX;

  return { slope, intercept: meanY - slope * meanX, points: n };
}

/** Growth of one memory figure over the measured part of the run. */
export interface Growth {
  /** Bytes per completed call (x: calls completed at each sample). */
  bytesPerCall: number;
  /** Bytes per minute (x: time of each sample). */
  bytesPerMinute: number;
  /** Samples fitted. */
  samples: number;
  /** Bytes per completed call over the first half of those samples (by time). */
  firstHalfBytesPerCall: number;
  /** Bytes per completed call over the second half: a leak keeps its pace, settling slows. */
  secondHalfBytesPerCall: number;
}

/** Slopes of `value` over the samples taken at or after `warmupMs`. */
export function growthAfter(
  samples: readonly SoakSample[],
  warmupMs: number,
  value: (sample: SoakSample) => number,
): Growth {
  const measured = samples.filter((sample) => sample.atMs >= warmupMs);
  const middle = Math.ceil(measured.length / 2);
  const perCallOf = (part: readonly SoakSample[]) =>
    fitLine(
      part.map((sample) => sample.callsCompleted),
      part.map(value),
    ).slope;
  const ys = measured.map(value);
  const perCall = fitLine(
    measured.map((sample) => sample.callsCompleted),
    ys,
  );
  const perMinute = fitLine(
    measured.map((sample) => sample.atMs / 60_000),
    ys,
  );

  return {
    bytesPerCall: perCall.slope,
    bytesPerMinute: perMinute.slope,
    samples: perMinute.points,
    firstHalfBytesPerCall: perCallOf(measured.slice(0, middle)),
    secondHalfBytesPerCall: perCallOf(measured.slice(middle)),
  };
}

/** Start, end and largest value of a figure over all samples. */
export interface Span {
  /** First sample's value. */
  start: number;
  /** Last sample's value. */
  end: number;
  /** Largest value. */
  max: number;
}

/** The span of `value` over the samples (NaN everywhere when there are none). */
export function spanOf(
  samples: readonly SoakSample[],
  value: (sample: SoakSample) => number,
): Span {
  const values = samples.map(value).filter(Number.isFinite);
  if (values.length === 0) return { start: NaN, end: NaN, max: NaN };

  return {
    start: values[0] as number,
    end: values.at(-1) as number,
    max: Math.max(...values),
  };
}

/** Median of the event-loop delay p99s sampled at or after `warmupMs`, ms. */
export function loopDelayMedianMs(samples: readonly SoakSample[], warmupMs: number): number {
  return median(
    samples
      .filter((sample) => sample.atMs >= warmupMs)
      .map((sample) => sample.loopDelayP99Ms)
      .filter(Number.isFinite),
  );
}
