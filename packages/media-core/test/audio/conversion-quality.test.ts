import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  measureConversion,
  sineTone,
  spuriousFrequencies,
  toneAmplitude,
  toneGrid,
} from '../../src/audio/conversion-quality.js';

/** The common JavaScript shortcut the resampler replaces: linear interpolation, no filter. */
function linearInterpolation(input: Int16Array, inputRate: number, outputRate: number): Int16Array {
  const length = Math.floor(((input.length - 1) * outputRate) / inputRate) + 1;
  const output = new Int16Array(length);
  for (let n = 0; n < length; n++) {
    const position = (n * inputRate) / outputRate;
    const index = Math.floor(position);
    const fraction = position - index;
    const next = input[Math.min(index + 1, input.length - 1)] as number;
    output[n] = Math.round((input[index] as number) * (1 - fraction) + next * fraction);
  }

  return output;
}

test('the measurement exposes linear interpolation: loud images, drooping passband', () => {
  const quality = measureConversion((x) => linearInterpolation(x, 8000, 16000), 8000, 16000);

  assert.equal(quality.spuriousKind, 'image');
  assert.ok(quality.worstSpuriousDb > -20, `${quality.worstSpuriousDb}`);
  assert.ok(quality.passbandMinDb < -1, `${quality.passbandMinDb}`);
});

test('the measurement exposes decimation without a filter: aliases at full level', () => {
  const quality = measureConversion((x) => x.filter((_, i) => i % 3 === 0), 24000, 8000);

  assert.equal(quality.spuriousKind, 'alias');
  assert.ok(quality.worstSpuriousDb > -1, `${quality.worstSpuriousDb}`);
});

test('toneAmplitude reads a tone level exactly and leaks below -150 dB 200 Hz away', () => {
  const tone = sineTone(1234.5, 16000, 500);

  const level = toneAmplitude(tone, 16000, 1234.5, 1000, 4800);
  assert.ok(Math.abs(20 * Math.log10(level / 16384)) < 0.001);

  // Leakage needs an unquantised tone: PCM16 rounding alone sits near -125 dB per bin.
  const exact = Float64Array.from({ length: 8000 }, (_, n) =>
    Math.sin((2 * Math.PI * 1234.5 * n) / 16000),
  );
  const leak = toneAmplitude(exact, 16000, 1434.5, 1000, 4800);
  assert.ok(20 * Math.log10(leak) < -150, `${20 * Math.log10(leak)}`);
});

test('spurious frequencies: images at k·fin ± f going up, a fold about fout going down', () => {
  assert.deepEqual(spuriousFrequencies(1000, 8000, 16000), [7000]);
  assert.deepEqual(spuriousFrequencies(1000, 8000, 48000), [7000, 9000, 15000, 17000, 23000]);
  assert.deepEqual(spuriousFrequencies(5000, 24000, 8000), [3000]);
  assert.deepEqual(spuriousFrequencies(11000, 24000, 8000), [3000]);
});

test('the tone grid stays in range, is sorted and changes with the seed', () => {
  const grid = toneGrid(100, 3400, 24);
  assert.equal(grid.length, 24);
  assert.ok(grid.every((f, i) => f >= 100 && f < 3400 && (i === 0 || f > (grid[i - 1] as number))));
  assert.notDeepEqual(toneGrid(100, 3400, 24, 1), grid);
});
