// One conformance suite, run against every recognizer through its emulator: the Google
// streaming client, the Sarvam REST client, and the failover composite over both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BreakerRegistry,
  FailoverRecognizer,
  SpeechError,
  type Recognizer,
} from '@voice-agent/media-core/speech';
import {
  callAudio,
  collectFinals,
  feedCall,
  startSpeechBed,
  textOf,
  waitFor,
  type SpeechBed,
} from './harness.js';

let bed: SpeechBed;
const breakers = new BreakerRegistry();

before(async () => {
  bed = await startSpeechBed();
});

after(async () => {
  breakers.close();
  await bed.close();
});

interface Subject {
  name: string;
  make(languageCode: string): Recognizer;
  /** Whether it reports provider errors itself (the composite fails over instead). */
  reportsErrors: boolean;
}

const subjects: Subject[] = [
  {
    name: 'google',
    make: (languageCode) => bed.factories.google!({ languageCode }),
    reportsErrors: true,
  },
  {
    name: 'sarvam',
    make: (languageCode) => bed.factories.sarvam!({ languageCode }),
    reportsErrors: true,
  },
  {
    name: 'failover(google, sarvam)',
    make: (languageCode) =>
      new FailoverRecognizer({
        languageCode,
        providers: ['google', 'sarvam'],
        factories: bed.factories,
        breakers,
      }),
    reportsErrors: false,
  },
];

for (const subject of subjects) {
  describe(`recognizer conformance: ${subject.name}`, () => {
    test('transcribes a fixture utterance exactly, once, after speech end', async () => {
      bed.clearFaults();
      const rec = subject.make('en-IN');
      const events: string[] = [];
      rec.on('speechStart', () => events.push('speechStart'));
      rec.on('speechEnd', () => events.push('speechEnd'));
      rec.on('final', () => events.push('final'));
      const finals = collectFinals(rec);

      await feedCall(rec, await callAudio(['en-IN.loan-type']));
      await waitFor(() => finals.length >= 1, 'the final transcript');

      assert.deepEqual(
        finals.map((f) => f.text),
        [await textOf('en-IN.loan-type')],
      );
      assert.deepEqual(events, ['speechStart', 'speechEnd', 'final']);
      assert.equal(finals[0]?.language, 'en-IN');
      assert.notEqual(finals[0]?.provider, 'failover');
      await rec.close();
    });

    test('two utterances give two finals, in order, each once', async () => {
      bed.clearFaults();
      const rec = subject.make('hi-IN');
      const finals = collectFinals(rec);

      await feedCall(rec, await callAudio(['hi-IN.greeting', 'hi-IN.amount']));
      await waitFor(() => finals.length >= 2, 'two finals');
      await new Promise((r) => setTimeout(r, 200));

      assert.deepEqual(
        finals.map((f) => f.text),
        [await textOf('hi-IN.greeting'), await textOf('hi-IN.amount')],
      );
      const [first, second] = finals;
      assert.ok((first?.endMs ?? 0) <= (second?.startMs ?? second?.endMs ?? 0));
      await rec.close();
    });

    test('nothing is emitted after close, and close is idempotent', async () => {
      bed.clearFaults();
      const rec = subject.make('en-IN');
      const finals = collectFinals(rec);
      const audio = await callAudio(['en-IN.city']);

      await feedCall(rec, audio.subarray(0, audio.length / 2));
      await rec.close();
      await rec.close();
      rec.write(audio.subarray(audio.length / 2));
      rec.speechEnded();
      await new Promise((r) => setTimeout(r, 300));

      assert.deepEqual(finals, []);
    });

    if (!subject.reportsErrors) return;

    test('an auth rejection is a non-retryable SPEECH_AUTH error naming the provider', async () => {
      bed.clearFaults();
      bed.google.faults.inject({ kind: 'auth' });
      bed.sarvam.faults.inject({ kind: 'auth' });
      const rec = subject.make('en-IN');
      const errors: SpeechError[] = [];
      rec.on('error', (e) => errors.push(e));

      await feedCall(rec, await callAudio(['en-IN.consent']));
      await waitFor(() => errors.length >= 1, 'the auth error');
      bed.clearFaults();

      const [err] = errors;
      assert.ok(err instanceof SpeechError);
      assert.equal(err.code, 'SPEECH_AUTH');
      assert.equal(err.reason, 'auth');
      assert.equal(err.retryable, false);
      assert.equal(err.provider, subject.name);
      await rec.close();
    });

    test('a quota answer is a retryable SPEECH_QUOTA error', async () => {
      bed.clearFaults();
      bed.google.faults.inject({ kind: 'fail', code: 'RESOURCE_EXHAUSTED' });
      bed.sarvam.faults.inject({ kind: 'fail', code: 429 });
      const rec = subject.make('en-IN');
      const errors: SpeechError[] = [];
      rec.on('error', (e) => errors.push(e));

      await feedCall(rec, await callAudio(['en-IN.consent']));
      await waitFor(() => errors.length >= 1, 'the quota error');
      bed.clearFaults();

      assert.equal(errors[0]?.code, 'SPEECH_QUOTA');
      assert.equal(errors[0]?.retryable, true);
      assert.equal(errors.length, 1, 'a recognizer reports its failure once');
      await rec.close();
    });
  });
}
