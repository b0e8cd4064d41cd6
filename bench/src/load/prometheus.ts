// Reading the media core's /metrics: the Prometheus text exposition parsed into samples, and a
// histogram's change between two scrapes turned into quantiles and counts.

/** One sample line of the exposition: `name{label="value",…} value`. */
export interface Sample {
  /** Metric name as written on the line (`…_bucket`, `…_count` included). */
  name: string;
  /** Label values by label name. */
  labels: Record<string, string>;
  /** The value (`+Inf`, `-Inf` and `NaN` as the numbers they spell). */
  value: number;
}

/** A scrape: every sample of one /metrics response. */
export type Scrape = readonly Sample[];

/** One histogram bucket: observations at or below `le`, cumulative. */
export interface Bucket {
  /** Upper bound, in the metric's unit (`Infinity` for the last bucket). */
  le: number;
  /** Observations at or below `le`. */
  count: number;
}

const SAMPLE_LINE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text exposition format; comment and blank lines are skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;

    const match = SAMPLE_LINE.exec(line);
    if (match === null) continue;

    const [, name, labelText, valueText] = match as unknown as [string, string, string, string];
    samples.push({ name, labels: parseLabels(labelText ?? ''), value: parseValue(valueText) });
  }

  return samples;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(LABEL_PAIR)) {
    // The exposition escapes backslash, quote and newline inside label values.
    labels[name as string] = (value as string).replace(/\\(.)/g, (_, c: string) =>
      c === 'n' ? '\n' : c,
    );
  }

  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;

  return Number(text);
}

/** The sum of the samples named `name` whose labels include every pair of `labels`. */
export function sumOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of scrape) {
    if (sample.name !== name) continue;
    if (Object.entries(labels).some(([key, value]) => sample.labels[key] !== value)) continue;

    total += sample.value;
  }

  return total;
}

/** The buckets of histogram `name` (without `_bucket`), sorted by bound. */
export function bucketsOf(scrape: Scrape, name: string): Bucket[] {
  return scrape
    .filter((sample) => sample.name === `${name}_bucket` && sample.labels.le !== undefined)
    .map((sample) => ({ le: parseValue(sample.labels.le as string), count: sample.value }))
    .sort((a, b) => a.le - b.le);
}

/**
 * What a histogram gained between two scrapes, bucket by bucket. Both scrapes must come from
 * the same process (a restart resets the counters); a bucket missing before counts from zero.
 */
export function bucketDelta(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  const earlier = new Map(before.map((bucket) => [bucket.le, bucket.count]));

  return after.map((bucket) => ({
    le: bucket.le,
    count: bucket.count - (earlier.get(bucket.le) ?? 0),
  }));
}

/** A quantile read from buckets, and whether it fell past the last finite bound. */
export interface BucketQuantile {
  /** The quantile, in the metric's unit; NaN when the buckets hold no observation. */
  value: number;
  /** True when the rank lies in the `+Inf` bucket: `value` is then the last finite bound. */
  overflow: boolean;
  /** Lower bound of the bucket the rank lies in (the true quantile is not below it). */
  lowerBound: number;
  /** Upper bound of that bucket (the true quantile is not above it; Infinity past the last). */
  upperBound: number;
}

/**
 * The q-quantile (0 < q ≤ 1) of cumulative buckets, assuming observations spread evenly inside
 * each bucket (linear interpolation between its bounds, from 0 for the first), as Prometheus'
 * histogram_quantile does. Its error is at most the width of the bucket the rank falls in.
 */
export function bucketQuantile(buckets: readonly Bucket[], q: number): BucketQuantile {
  if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1] (got ${q})`);

  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return { value: NaN, overflow: false, lowerBound: NaN, upperBound: NaN };

  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      const bounds = { lowerBound, upperBound: bucket.le };
      if (bucket.le === Infinity) return { value: lowerBound, overflow: true, ...bounds };

      const fraction = (rank - lowerCount) / (bucket.count - lowerCount);
      const value = lowerBound + (bucket.le - lowerBound) * fraction;

      return { value, overflow: false, ...bounds };
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }

  return { value: lowerBound, overflow: true, lowerBound, upperBound: Infinity };
}

/**
 * Observations above `bound`, which must be one of the bucket bounds (a count between bounds
 * cannot be read from a histogram). Throws RangeError naming the bound otherwise.
 */
export function countAbove(buckets: readonly Bucket[], bound: number): number {
  const atBound = buckets.find((bucket) => bucket.le === bound);
  if (atBound === undefined) {
    throw new RangeError(`bound ${bound} is not a bucket bound of the histogram`);
  }

  return (buckets.at(-1)?.count ?? 0) - atBound.count;
}
