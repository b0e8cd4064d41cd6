import { test } from 'node:test';
import assert from 'node:assert/strict';

import { StreamingResampler, resample } from '../../src/audio/resampler.js';
import { measureConversion } from '../../src/audio/conversion-quality.js';

/** The conversions the voice path runs, plus others a provider may need. */
const RATIOS: ReadonlyArray<readonly [number, number]> = [
  [8000, 16000],
  [16000, 8000],
  [22050, 8000],
  [24000, 8000],
  [48000, 8000],
  [22050, 16000],
  [44100, 8000],
  [16000, 22050],
  [8000, 44100],
];

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise plus a chirp: broadband, so every phase and tap of the filter is exercised. */
function testSignal(sampleRate: number, durationMs: number, seed: number): Int16Array {
  const next = random(seed);
  const length = Math.round((sampleRate * durationMs) / 1000);
  const signal = new Int16Array(length);
  for (let n = 0; n < length; n++) {
    const chirp = Math.sin((Math.PI * sampleRate * n * n) / (2 * length * sampleRate));
    signal[n] = Math.round(12000 * chirp + 8000 * (next() - 0.5));
  }

  return signal;
}

function inChunks(resampler: StreamingResampler, input: Int16Array, sizes: () => number): number[] {
  const out: number[] = [];
  for (let start = 0; start < input.length;) {
    const end = Math.min(input.length, start + sizes());
    out.push(...resampler.process(input.subarray(start, end)));
    start = end;
  }
  out.push(...resampler.flush());

  return out;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));

  return max;
}

for (const [inputRate, outputRate] of RATIOS) {
  const label = `${inputRate} → ${outputRate} Hz`;

  test(`${label}: 20 ms and random chunks give the one-piece output, flush included`, () => {
    const input = testSignal(inputRate, 700, inputRate + outputRate);
    const whole = Array.from(resample(input, inputRate, outputRate));

    const frame = inputRate / 50;
    const framed = inChunks(new StreamingResampler(inputRate, outputRate), input, () => frame);
    assert.ok(maxDifference(framed, whole) <= 1);

    const next = random(7);
    const randomSizes = () => 1 + Math.floor(next() * 2 * frame);
    const ragged = inChunks(new StreamingResampler(inputRate, outputRate), input, randomSizes);
    assert.ok(maxDifference(ragged, whole) <= 1);
  });

  // Passband: 0.425 × the lower rate, i.e. 3.4 kHz whenever one side is 8 kHz.
  test(`${label}: passband within ±0.1 dB, images/aliases at least 90 dB down`, () => {
    const quality = measureConversion(
      (input) => resample(input, inputRate, outputRate),
      inputRate,
      outputRate,
      { toneCount: 16, gridSeed: 3 },
    );

    assert.ok(quality.passbandDeviationDb <= 0.1, `passband ${quality.passbandDeviationDb} dB`);
    assert.ok(quality.spurious.length >= 8, 'too few spurious components were measured');
    assert.ok(
      quality.worstSpuriousDb <= -90,
      `worst ${quality.spuriousKind} ${JSON.stringify(quality.worstSpurious)}`,
    );
  });

  test(`${label}: the impulse response is centred on delaySamples`, () => {
    const impulse = new Int16Array(inputRate / 50);
    impulse[0] = 32767;
    const response = resample(impulse, inputRate, outputRate);
    const resampler = new StreamingResampler(inputRate, outputRate);

    // First moment of the impulse response: the group delay at DC, in output samples.
    let moment = 0;
    let area = 0;
    response.forEach((value, index) => {
      moment += index * value;
      area += value;
    });

    assert.ok(Math.abs(moment / area - resampler.delaySamples) < 0.01, `${moment / area}`);
    assert.equal(resampler.delayMs, (resampler.delaySamples * 1000) / outputRate);
  });

  test(`${label}: saveState/loadState mid-stream continues identically`, () => {
    const input = testSignal(inputRate, 200, 11);
    const cut = Math.floor(input.length * 0.37);
    const reference = new StreamingResampler(inputRate, outputRate);
    const expected = [...reference.process(input.subarray(0, cut))];
    expected.push(...reference.process(input.subarray(cut)), ...reference.flush());

    const first = new StreamingResampler(inputRate, outputRate);
    const actual = [...first.process(input.subarray(0, cut))];
    // structuredClone: what crossing to another worker thread does to the state.
    const moved = structuredClone(first.saveState());
    first.process(testSignal(inputRate, 30, 99));

    const second = new StreamingResampler(inputRate, outputRate);
    second.loadState(moved);
    actual.push(...second.process(input.subarray(cut)), ...second.flush());

    assert.deepEqual(actual, expected);
  });
}

test('processInto writes what process returns and allocates no output', () => {
  const input = testSignal(8000, 100, 5);
  const viaProcess = new StreamingResampler(8000, 16000);
  const viaInto = new StreamingResampler(8000, 16000);
  const out = new Int16Array(viaInto.outputLength(160));

  for (let start = 0; start < input.length; start += 160) {
    const frame = input.subarray(start, start + 160);
    const written = viaInto.processInto(frame, out);
    assert.deepEqual(out.subarray(0, written), viaProcess.process(frame));
  }

  assert.throws(() => viaInto.processInto(input, out), /out: must hold at least/);
});

test('flush drains the tail, then the resampler restarts as new', () => {
  const input = testSignal(24000, 40, 3);
  const resampler = new StreamingResampler(24000, 8000);
  const first = [...resampler.process(input), ...resampler.flush()];

  assert.equal(resampler.flush().length, 0, 'a second flush has nothing left');
  assert.deepEqual([...resampler.process(input), ...resampler.flush()], first);
  assert.equal(first.length, Math.ceil((input.length + 2 * resampler.delaySamples * 3) / 3));
});

test('a DC input settles to the same value, unclipped at full scale', () => {
  const output = resample(new Int16Array(1600).fill(32767), 8000, 16000);
  const settled = output.subarray(200, 3000);

  assert.ok(settled.every((value) => value === 32767));
  assert.ok(output.every((value) => value <= 32767 && value >= -32768));
});

test('equal rates pass samples through unchanged with no delay', () => {
  const input = testSignal(16000, 20, 1);
  const resampler = new StreamingResampler(16000, 16000);

  assert.equal(resampler.delaySamples, 0);
  assert.deepEqual(resampler.process(input), input);
  assert.equal(resampler.flush().length, 0);
});

test('unsupported rates and foreign states are refused with a RangeError naming the field', () => {
  assert.throws(() => new StreamingResampler(0, 8000), /inputRate: must be an integer/);
  assert.throws(() => new StreamingResampler(8000, 16000.5), /outputRate: must be an integer/);
  assert.throws(() => new StreamingResampler(-8000, 8000), RangeError);
  assert.throws(() => new StreamingResampler(8001, 8000), /reduced ratio 8000\/8001/);

  const state = new StreamingResampler(8000, 16000).saveState();
  assert.throws(() => new StreamingResampler(16000, 8000).loadState(state), /state: rates/);
  const short = { ...state, history: new Float32Array(3) };
  assert.throws(() => new StreamingResampler(8000, 16000).loadState(short), /state.history/);
  const badPhase = { ...state, phase: 1.5 };
  assert.throws(() => new StreamingResampler(8000, 16000).loadState(badPhase), /state.phase/);
});
