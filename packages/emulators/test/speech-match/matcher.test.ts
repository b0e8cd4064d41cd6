import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { synthesizeSpeechSignal } from '../../src/google-tts/speech-signal.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import {
  UtteranceTracker,
  type RecognitionEvent,
} from '../../src/speech-match/utterance-tracker.js';
import { fixturePcm16k, fixtures } from './fixture-audio.js';

/** Feeds audio in 20 ms chunks, as a caller's stream arrives, then ends it. */
function recognizeAll(matcher: SpeechMatcher, pcm: Int16Array): RecognitionEvent[] {
  const tracker = new UtteranceTracker(matcher, 16000);
  const events: RecognitionEvent[] = [];
  for (let i = 0; i < pcm.length; i += 320) events.push(...tracker.push(pcm.subarray(i, i + 320)));

  return [...events, ...tracker.finish()];
}

function finals(events: RecognitionEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'final' ? [event.text] : []));
}

describe('speech matcher', () => {
  let matcher: SpeechMatcher;
  before(async () => {
    matcher = await SpeechMatcher.load();
  });

  it('answers every fixture utterance, resampled to 16 kHz, with its exact text', async () => {
    const { entries } = await fixtures();
    const utterances = entries.filter((entry) => entry.kind === 'utterance');
    assert.ok(utterances.length >= 20, 'the fixture set holds the loan conversation');

    for (const entry of utterances) {
      const events = recognizeAll(matcher, await fixturePcm16k(entry.id, 300));
      assert.deepEqual(finals(events), [entry.text], entry.id);
    }
  });

  it('sends interims that grow word by word before the final', async () => {
    const events = recognizeAll(matcher, await fixturePcm16k('en-IN.existing-emi'));
    const interims = events.flatMap((event) => (event.type === 'interim' ? [event.text] : []));

    assert.ok(interims.length >= 4, `interims: ${JSON.stringify(interims)}`);
    for (let i = 1; i < interims.length; i += 1) {
      const before = (interims[i - 1] ?? '').split(' ').length;
      assert.ok((interims[i] ?? '').split(' ').length >= before, 'an interim never shrinks');
    }
    assert.equal(events.at(-1)?.type, 'final');
    assert.equal(events.at(-2)?.type, 'speech-end');
    assert.equal(events[0]?.type, 'speech-begin');
  });

  it('gives the first half of the words for the first half of the audio', async () => {
    const full = await fixturePcm16k('en-IN.existing-emi', 0);
    const words = finals(recognizeAll(matcher, full.subarray(0, full.length >> 1)))[0] ?? '';

    assert.equal(words, 'I pay twelve thousand a');
  });

  it('gives the same words at 8 kHz as at 16 kHz', async () => {
    const pcm16k = await fixturePcm16k('hi-IN.amount');
    const pcm8k = pcm16k.filter((_, index) => index % 2 === 0);
    const tracker = new UtteranceTracker(matcher, 8000);
    const events = [...tracker.push(pcm8k), ...tracker.finish()];

    assert.deepEqual(finals(events), ['लगभग पच्चीस लाख रुपये।']);
  });

  it('answers two utterances in one stream with two finals', async () => {
    const first = await fixturePcm16k('en-IN.consent');
    const second = await fixturePcm16k('en-IN.city');
    const both = new Int16Array(first.length + second.length);
    both.set(first);
    both.set(second, first.length);

    assert.deepEqual(finals(recognizeAll(matcher, both)), ['Yes, go ahead.', 'I live in Pune.']);
  });

  it('hears nothing in silence and answers no words for noise or unknown sounds', async () => {
    assert.deepEqual(finals(recognizeAll(matcher, await fixturePcm16k('silence-3s'))), []);

    for (const id of ['line-noise-30dbfs', 'cough']) {
      const texts = finals(recognizeAll(matcher, await fixturePcm16k(id)));
      assert.ok(
        texts.every((text) => text === ''),
        `${id}: ${JSON.stringify(texts)}`,
      );
    }

    const buzz = synthesizeSpeechSignal('this was never a fixture utterance', 16000);
    assert.deepEqual(finals(recognizeAll(matcher, buzz)), ['']);
  });
});
