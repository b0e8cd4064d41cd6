import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ASR_ROUTING, providersFor } from '../../src/speech/routing.js';

test('Sarvam leads for Indian languages, Google for English, each with the other behind', () => {
  assert.deepEqual(providersFor(DEFAULT_ASR_ROUTING, 'hi-IN'), ['sarvam', 'google']);
  assert.deepEqual(providersFor(DEFAULT_ASR_ROUTING, 'ta-IN'), ['sarvam', 'google']);
  assert.deepEqual(providersFor(DEFAULT_ASR_ROUTING, 'en-IN'), ['google', 'sarvam']);
});

test('an exact language tag wins over its bare language', () => {
  const routing = { default: ['a', 'b', 'c'], byLanguage: { hi: ['b'], 'hi-IN': ['c'] } };

  assert.deepEqual(providersFor(routing, 'hi-IN'), ['c', 'a', 'b']);
  assert.deepEqual(providersFor(routing, 'hi-XX'), ['b', 'a', 'c']);
});
