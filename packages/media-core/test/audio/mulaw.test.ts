import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  decodeMuLaw,
  decodeMuLawSample,
  encodeMuLaw,
  encodeMuLawSample,
} from '../../src/audio/mulaw.js';

// Oracle: ITU-T G.191 (STL) `ulaw_compress`, transcribed step by step from the standard's
// algorithm (one's complement of negatives, 14-bit magnitude, bias 33, segment by shifting).
function g191Compress(sample: number): number {
  let magnitude = sample < 0 ? (~sample >> 2) + 33 : (sample >> 2) + 33;
  if (magnitude > 0x1fff) magnitude = 0x1fff;

  let shifted = magnitude >> 6;
  let segment = 1;
  while (shifted !== 0) {
    segment++;
    shifted >>= 1;
  }

  const highNibble = 0x08 - segment;
  const lowNibble = 0x0f - ((magnitude >> segment) & 0x0f);
  const code = (highNibble << 4) | lowNibble;

  return sample >= 0 ? code | 0x80 : code;
}

// Oracle: G.191 `ulaw_expand`.
function g191Expand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const complement = ~code;
  const exponent = (complement >> 4) & 0x07;
  const mantissa = complement & 0x0f;
  const step = 4 << (exponent + 1);

  // `+ 0` turns JavaScript's -0 (code 0x7f) into the 0 that C's integer arithmetic gives.
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33) + 0;
}

// The widespread Sun/Linux `linear2ulaw` (16-bit form: bias 0x84, clip 32635): it negates where
// G.191 complements, so it differs from G.191 on some negative inputs. Used only to show that
// the oracle is the standard's one and not this common encoder.
function sunCompress(sample: number): number {
  const segmentEnds = [0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff];
  let value = sample;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  if (value > 32635) value = 32635;
  value += 0x84;

  const segment = segmentEnds.findIndex((end) => value <= end);
  if (segment < 0) return 0x7f ^ mask;

  return ((segment << 4) | ((value >> (segment + 3)) & 0x0f)) ^ mask;
}

// Sun/Linux `ulaw2linear`, a second, independently shaped decoder.
function sunExpand(code: number): number {
  const complement = ~code & 0xff;
  const magnitude = (((complement & 0x0f) << 3) + 0x84) << ((complement & 0x70) >> 4);

  return complement & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

function allPcm16(): Int16Array {
  const samples = new Int16Array(65536);
  for (let i = 0; i < samples.length; i++) samples[i] = i - 32768;

  return samples;
}

test('encodeMuLaw matches G.191 ulaw_compress on all 65,536 PCM16 inputs', () => {
  const samples = allPcm16();
  const codes = encodeMuLaw(samples);

  let mismatches = 0;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as number;
    if (codes[i] !== g191Compress(sample)) mismatches++;
    if (encodeMuLawSample(sample) !== codes[i]) mismatches++;
  }

  assert.equal(mismatches, 0);
});

test('the G.191 oracle differs from the Sun/Linux encoder on exactly 127 negative inputs', () => {
  const differing = Array.from(allPcm16()).filter((s) => g191Compress(s) !== sunCompress(s));

  assert.equal(differing.length, 127);
  assert.ok(differing.every((sample) => sample < 0));
});

test('decodeMuLaw matches G.191 ulaw_expand on all 256 codes, within ±32124', () => {
  const codes = Uint8Array.from({ length: 256 }, (_, code) => code);
  const samples = decodeMuLaw(codes);

  for (let code = 0; code < 256; code++) {
    assert.equal(samples[code], g191Expand(code), `code ${code}`);
    assert.equal(samples[code], sunExpand(code), `code ${code} (Sun decoder)`);
    assert.equal(decodeMuLawSample(code), samples[code]);
  }

  assert.equal(Math.min(...samples), -32124);
  assert.equal(Math.max(...samples), 32124);
  assert.deepEqual(
    [samples[0x00], samples[0x80], samples[0x7f], samples[0xff]],
    [-32124, 32124, 0, 0],
  );
});

test('encode then decode is the identity on every decoded value', () => {
  const codes = Uint8Array.from({ length: 256 }, (_, code) => code);
  const roundTrip = encodeMuLaw(decodeMuLaw(codes));

  // 0x7f (-0) re-encodes as 0xff (+0): the one code pair that decodes to the same value.
  const expected = Uint8Array.from(codes, (code) => (code === 0x7f ? 0xff : code));
  assert.deepEqual(roundTrip, expected);
});

test('out buffers are reused when given and rejected when too short', () => {
  const pcm = new Int16Array(160);
  const codes = new Uint8Array(160).fill(0x80);

  assert.equal(decodeMuLaw(codes, pcm), pcm);
  assert.equal(pcm[159], 32124);

  const encoded = new Uint8Array(160);
  assert.equal(encodeMuLaw(pcm, encoded), encoded);
  assert.equal(encoded[0], 0x80);

  assert.throws(() => decodeMuLaw(codes, new Int16Array(10)), /out: must hold at least 160/);
  assert.throws(() => encodeMuLaw(pcm, new Uint8Array(10)), RangeError);
});

test('lengths that are not a multiple of four are converted to the last sample', () => {
  for (const length of [1, 2, 3, 5, 7, 161]) {
    const samples = Int16Array.from({ length }, (_, i) => i * 4099 - 30000);
    const codes = encodeMuLaw(samples);
    const decoded = decodeMuLaw(codes);

    assert.deepEqual([...codes], [...samples].map(g191Compress), `encode, length ${length}`);
    assert.deepEqual([...decoded], [...codes].map(g191Expand), `decode, length ${length}`);
  }
});
