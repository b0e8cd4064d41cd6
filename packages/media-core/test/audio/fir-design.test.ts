import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  besselI0,
  designLowPass,
  kaiserBeta,
  kaiserLength,
  kaiserWindow,
} from '../../src/audio/fir-design.js';

test('besselI0 matches tabulated values', () => {
  // Abramowitz & Stegun table 9.8: I0(1) = 1.266065878, I0(5) = 27.23987182.
  assert.equal(besselI0(0), 1);
  assert.ok(Math.abs(besselI0(1) - 1.266065878) < 1e-9);
  assert.ok(Math.abs(besselI0(5) - 27.23987182) < 1e-7);
});

test('Kaiser beta and length follow Kaiser’s formulas', () => {
  assert.ok(Math.abs(kaiserBeta(100) - 0.1102 * 91.3) < 1e-12);
  assert.equal(kaiserBeta(10), 0);

  const spec = { sampleRate: 16000, passbandHz: 3400, stopbandHz: 4600, attenuationDb: 100 };
  const transition = (2 * Math.PI * 1200) / 16000;
  assert.equal(kaiserLength(spec), Math.ceil((100 - 7.95) / (2.285 * transition)) + 1);
});

test('a designed low-pass is symmetric, unit-gain at DC and windowed to the edges', () => {
  const spec = { sampleRate: 16000, passbandHz: 3400, stopbandHz: 4600, attenuationDb: 100 };
  const taps = designLowPass(spec, 87);
  const window = kaiserWindow(87, kaiserBeta(100));

  for (let n = 0; n < 87; n++) assert.equal(taps[n], taps[86 - n]);
  assert.ok(Math.abs(taps.reduce((sum, tap) => sum + tap, 0) - 1) < 1e-4);
  assert.equal(window[43], 1);
  // Edge of a Kaiser window is 1 / I0(beta): about 3.6e-4 at beta 10.06.
  assert.ok(Math.abs((window[0] as number) - 1 / besselI0(kaiserBeta(100))) < 1e-12);
});
