import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  fitLine,
  growthAfter,
  loopDelayMedianMs,
  spanOf,
  type SoakSample,
} from '../../src/soak/slope.js';

function sampleAt(atMs: number, rssBytes: number, callsCompleted: number): SoakSample {
  return {
    atMs,
    rssBytes,
    heapUsedBytes: NaN,
    loopDelayP99Ms: atMs / 1000,
    activeCalls: 8,
    callsCompleted,
  };
}

test('a least-squares line through points on a line is that line', () => {
  const fit = fitLine([0, 1, 2, 3], [5, 7, 9, 11]);

  assert.deepEqual(fit, { slope: 2, intercept: 5, points: 4 });
});

test('noise around a line averages out, and non-finite points are left out', () => {
  const fit = fitLine([0, 1, 2, 3, 4, 5], [1, -1, 3, NaN, 5, 5]);

  // Points (0,1) (1,-1) (2,3) (4,5) (5,5): mean x 2.4, mean y 2.6, Sxy 18.8, Sxx 17.2.
  assert.equal(fit.points, 5);
  assert.ok(Math.abs(fit.slope - 18.8 / 17.2) < 1e-12, String(fit.slope));
});

test('a line needs two points with different x', () => {
  assert.ok(Number.isNaN(fitLine([1], [1]).slope));
  assert.ok(Number.isNaN(fitLine([3, 3, 3], [1, 2, 3]).slope));
  assert.throws(() => fitLine([1, 2], [1]), /same length/);
});

test('growth after the warm-up: per call and per minute, from the later samples only', () => {
  const samples = [
    // Warm-up: a steep climb that must not count.
    sampleAt(0, 100e6, 0),
    sampleAt(30_000, 150e6, 0),
    // Measured: +1 MB per call completed, one call every 30 s, so +2 MB per minute.
    sampleAt(60_000, 160e6, 1),
    sampleAt(90_000, 161e6, 2),
    sampleAt(120_000, 162e6, 3),
  ];

  const growth = growthAfter(samples, 60_000, (sample) => sample.rssBytes);

  assert.equal(growth.samples, 3);
  // First half: the first two measured samples; second half: the last one (no line).
  assert.ok(Math.abs(growth.firstHalfBytesPerCall - 1e6) < 1e-6);
  assert.ok(Number.isNaN(growth.secondHalfBytesPerCall));
  assert.ok(Math.abs(growth.bytesPerCall - 1e6) < 1e-6, String(growth.bytesPerCall));
  assert.ok(Math.abs(growth.bytesPerMinute - 2e6) < 1e-6, String(growth.bytesPerMinute));
});

test('span and loop-delay median read the samples they should', () => {
  const samples = [sampleAt(0, 3, 0), sampleAt(10_000, 9, 0), sampleAt(20_000, 4, 1)];

  assert.deepEqual(
    spanOf(samples, (sample) => sample.rssBytes),
    { start: 3, end: 4, max: 9 },
  );
  assert.equal(loopDelayMedianMs(samples, 10_000), 15);
  assert.ok(Number.isNaN(spanOf([], (sample) => sample.rssBytes).max));
});
