import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  bucketDelta,
  bucketQuantile,
  bucketsOf,
  countAbove,
  parseExposition,
  sumOf,
} from '../../src/load/prometheus.js';

const BEFORE = `# HELP media_frame_latency_seconds Frame arrival to 16 kHz PCM ready
# TYPE media_frame_latency_seconds histogram
media_frame_latency_seconds_bucket{le="0.01"} 10
media_frame_latency_seconds_bucket{le="0.02"} 20
media_frame_latency_seconds_bucket{le="0.04"} 20
media_frame_latency_seconds_bucket{le="+Inf"} 20
media_frame_latency_seconds_sum 0.3
media_frame_latency_seconds_count 20
media_frames_total{direction="in"} 20
media_frames_total{direction="out"} 7
media_protocol_errors_total{kind="say \\"hi\\"\\nthere"} 2
`;

const AFTER = `media_frame_latency_seconds_bucket{le="0.01"} 60
media_frame_latency_seconds_bucket{le="0.02"} 218
media_frame_latency_seconds_bucket{le="0.04"} 219
media_frame_latency_seconds_bucket{le="+Inf"} 220
media_frames_total{direction="in"} 220
`;

test('the exposition parses into samples, with label escapes and +Inf', () => {
  const samples = parseExposition(BEFORE);

  assert.equal(samples.length, 9);
  assert.deepEqual(samples[3], {
    name: 'media_frame_latency_seconds_bucket',
    labels: { le: '+Inf' },
    value: 20,
  });
  assert.equal(samples[8]?.labels.kind, 'say "hi"\nthere');
  assert.equal(sumOf(samples, 'media_frames_total'), 27);
  assert.equal(sumOf(samples, 'media_frames_total', { direction: 'in' }), 20);
  assert.equal(sumOf(samples, 'no_such_metric'), 0);
});

test('bucket deltas give quantiles of the window only, interpolated inside the bucket', () => {
  const before = bucketsOf(parseExposition(BEFORE), 'media_frame_latency_seconds');
  const after = bucketsOf(parseExposition(AFTER), 'media_frame_latency_seconds');
  const window = bucketDelta(before, after);

  // Window: 50 frames ≤ 10 ms, 148 in (10, 20], 1 in (20, 40], 1 above 40 ms.
  assert.deepEqual(
    window.map((bucket) => bucket.count),
    [50, 198, 199, 200],
  );
  // p50: rank 100, the 50th of 148 in (10, 20] ms.
  const p50 = bucketQuantile(window, 0.5);
  assert.ok(Math.abs(p50.value - (0.01 + (0.01 * 50) / 148)) < 1e-12);
  assert.deepEqual([p50.lowerBound, p50.upperBound], [0.01, 0.02]);
  // p99: rank 198 is the last frame of (10, 20].
  assert.ok(Math.abs(bucketQuantile(window, 0.99).value - 0.02) < 1e-12);
  // p99.75: rank 199.5 lies past 40 ms: reported as the last finite bound, flagged.
  assert.deepEqual(bucketQuantile(window, 0.9975), {
    value: 0.04,
    overflow: true,
    lowerBound: 0.04,
    upperBound: Infinity,
  });
  assert.equal(countAbove(window, 0.04), 1);
  assert.equal(countAbove(window, 0.01), 150);
});

test('an empty window has no quantile, and bad arguments are refused by name', () => {
  const empty = [
    { le: 0.01, count: 0 },
    { le: Infinity, count: 0 },
  ];

  assert.ok(Number.isNaN(bucketQuantile(empty, 0.99).value));
  assert.throws(() => bucketQuantile(empty, 0), /q must be in \(0, 1\]/);
  assert.throws(() => countAbove(empty, 0.03), /bound 0.03 is not a bucket bound/);
});
