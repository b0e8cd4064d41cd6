// Google streams live at most ~305 s: the recognizer rotates to a fresh stream before the limit
// (at a pause when it can, mid-speech with a replay when it must) and recovers from the
// service's own cut, without losing or repeating words across the seam.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeMuLaw, resample } from '@voice-agent/media-core/audio';
import {
  createGoogleSpeechClient,
  GoogleRecognizer,
  type GoogleSpeechClient,
} from '@voice-agent/media-core/speech';
import {
  startGoogleSpeechEmulator,
  type GoogleSpeechEmulator,
} from '../../src/google-speech/server.js';
import { readFixtureMuLaw } from '../../src/script/fixture-manifest.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import { callAudio, collectFinals, feedCall, fixtures, textOf, waitFor } from './harness.js';

let matcher: SpeechMatcher;
let emulator: GoogleSpeechEmulator;
let client: GoogleSpeechClient;

before(async () => {
  matcher = await SpeechMatcher.load();
  emulator = await startGoogleSpeechEmulator({ matcher });
  client = createGoogleSpeechClient({ endpoint: `${emulator.host}:${emulator.port}` });
});

after(async () => {
  await client.close();
  await emulator.close();
});

test('rotating at a shortened limit loses and repeats nothing', async () => {
  const ids = ['en-IN.city', 'en-IN.consent', 'en-IN.loan-type', 'en-IN.confirm'];
  const rec = new GoogleRecognizer({
    client,
    languageCode: 'en-IN',
    rotateAfterMs: 2000,
    forceRotateAfterMs: 3000,
  });
  const finals = collectFinals(rec);

  await feedCall(rec, await callAudio(ids));
  await waitFor(
    () => finals.length >= ids.length,
    () => `every final (have: ${finals.map((f) => f.text).join(' | ')})`,
    20_000,
  );
  await new Promise((r) => setTimeout(r, 200));
  await rec.close();

  assert.deepEqual(
    finals.map((f) => f.text),
    await Promise.all(ids.map(textOf)),
  );
  assert.ok(rec.streamsOpened >= 3, `rotated (${rec.streamsOpened} streams)`);
});

test("the service's own cut mid-utterance is recovered by a replayed rotation", async () => {
  const short = await startGoogleSpeechEmulator({ matcher, maxStreamS: 4 });
  const shortClient = createGoogleSpeechClient({ endpoint: `${short.host}:${short.port}` });
  const ids = ['en-IN.greeting', 'en-IN.city'];
  const rec = new GoogleRecognizer({ client: shortClient, languageCode: 'en-IN' });
  const finals = collectFinals(rec);
  const errors: unknown[] = [];
  rec.on('error', (e) => errors.push(e));

  // 2.5 s of lead-in puts the 4 s cut 1.5 s into the greeting.
  await feedCall(rec, await callAudio(ids, 2500));
  await waitFor(
    () => finals.length >= ids.length,
    () => `every final (have: ${finals.map((f) => f.text).join(' | ')})`,
    20_000,
  );
  await rec.close();
  await shortClient.close();
  await short.close();

  assert.deepEqual(errors, []);
  assert.deepEqual(
    finals.map((f) => f.text),
    await Promise.all(ids.map(textOf)),
  );
  assert.ok(rec.streamsOpened >= 2);
});

test('a 314.6 s call (past the 305 s limit) keeps both of its utterances', async () => {
  const manifest = await fixtures();
  const entry = manifest.byId.get('long-call-en-IN');
  assert.ok(entry?.kind === 'long-call');
  const pcm = resample(decodeMuLaw(await readFixtureMuLaw(manifest, entry.id)), 8000, 16_000);
  const rec = new GoogleRecognizer({ client, languageCode: 'en-IN' });
  const finals = collectFinals(rec);

  await feedCall(rec, pcm, { speed: 150 });
  await waitFor(() => finals.length >= 2, 'both finals', 15_000);
  await rec.close();

  const expected = await Promise.all(entry.segments.map((s) => textOf(s.utteranceId)));
  assert.deepEqual(finals.map((f) => f.text).filter(Boolean), expected);
  assert.equal(rec.streamsOpened, 2, 'one rotation, at the pause after 240 s');
});
