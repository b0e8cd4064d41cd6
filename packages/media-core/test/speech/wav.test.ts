import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWav, encodeWav } from '../../src/speech/wav.js';

test('a WAV it writes reads back to the same samples and rate', () => {
  const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
  const wav = encodeWav(pcm, 16000);

  assert.equal(wav.length, 44 + pcm.length * 2);
  assert.deepEqual(decodeWav(wav), { pcm, sampleRate: 16000 });
});

test('skips chunks it does not know (a LIST chunk before data)', () => {
  const plain = encodeWav(Int16Array.from([5, -5]), 22050);
  const list = Buffer.alloc(8 + 4);
  list.write('LIST', 0, 'ascii');
  list.writeUInt32LE(4, 4);
  const wav = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);

  assert.deepEqual([...decodeWav(wav).pcm], [5, -5]);
});

test('refuses what is not mono 16-bit PCM, naming the rule', () => {
  const stereo = encodeWav(Int16Array.from([1, 2]), 8000);
  stereo.writeUInt16LE(2, 22);

  assert.throws(() => decodeWav(stereo), /mono 16-bit/);
  assert.throws(() => decodeWav(Buffer.from('nope')), /RIFF/);
});
