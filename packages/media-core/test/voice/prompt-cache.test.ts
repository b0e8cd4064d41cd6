import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromptCache, cacheKey } from '../../src/voice/prompt-cache.js';

function audio(samples: number) {
  return { pcm: new Int16Array(samples), sampleRate: 16000, provider: 'sarvam' };
}

const en = (text: string) => ({ text, languageCode: 'en-IN' });

test('evicts the least recently used prompt when bytes run out', () => {
  const cache = new PromptCache({ maxBytes: 300 });

  cache.set(en('greeting'), audio(50)); // 100 bytes
  cache.set(en('disclosure'), audio(50));
  cache.get(en('greeting'));
  cache.set(en('hold'), audio(75)); // 150 bytes: evicts the disclosure, not the greeting

  assert.ok(cache.get(en('greeting')));
  assert.equal(cache.get(en('disclosure')), undefined);
  assert.ok(cache.get(en('hold')));
  assert.equal(cache.bytes, 250);
});

test('the key tells language, voice and rate apart', () => {
  const base = { text: 'Namaste', languageCode: 'hi-IN' };

  assert.notEqual(cacheKey(base), cacheKey({ ...base, languageCode: 'en-IN' }));
  assert.notEqual(cacheKey(base), cacheKey({ ...base, voice: 'meera' }));
  assert.notEqual(cacheKey(base), cacheKey({ ...base, speakingRate: 1.2 }));
  assert.equal(cacheKey(base), cacheKey({ ...base, speakingRate: 1 }));
});

test('audio larger than the whole cache is not stored', () => {
  const cache = new PromptCache({ maxBytes: 10 });

  cache.set(en('long'), audio(100));
  assert.equal(cache.size, 0);
  assert.throws(() => new PromptCache({ maxBytes: 0 }), /maxBytes/);
});
