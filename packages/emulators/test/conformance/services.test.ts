// The process-wide wiring the media core uses: configuration from the environment, provider
// order per language, one breaker registry, recognizers and synthesizers per call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpeechServices, speechConfigFromEnv } from '@voice-agent/media-core/speech';
import {
  startGoogleSpeechEmulator,
  type GoogleSpeechEmulator,
} from '../../src/google-speech/server.js';
import { startGoogleTtsEmulator, type GoogleTtsEmulator } from '../../src/google-tts/server.js';
import { startSarvamEmulator, type SarvamEmulator } from '../../src/sarvam/server.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import { callAudio, collectFinals, feedCall, textOf, waitFor } from './harness.js';

let speech: GoogleSpeechEmulator;
let tts: GoogleTtsEmulator;
let sarvam: SarvamEmulator;
let services: SpeechServices;

before(async () => {
  const matcher = await SpeechMatcher.load();
  speech = await startGoogleSpeechEmulator({ matcher });
  tts = await startGoogleTtsEmulator();
  sarvam = await startSarvamEmulator({ matcher });
  const config = speechConfigFromEnv({
    GOOGLE_SPEECH_ENDPOINT: `${speech.host}:${speech.port}`,
    GOOGLE_TTS_ENDPOINT: `${tts.host}:${tts.port}`,
    SARVAM_API_URL: sarvam.baseUrl,
    SARVAM_API_KEY: 'k',
  });
  services = new SpeechServices(config);
});

after(async () => {
  await services.close();
  await services.close();
  await Promise.all([speech.close(), tts.close(), sarvam.close()]);
});

test('each language gets its configured leader and transcribes through it', async () => {
  const hindi = services.recognizer('hi-IN');
  const english = services.recognizer('en-IN');
  assert.equal(hindi.activeProvider, 'sarvam');
  assert.equal(english.activeProvider, 'google');

  const finals = collectFinals(hindi);
  await feedCall(hindi, await callAudio(['hi-IN.consent']));
  await waitFor(() => finals.length >= 1, 'the Hindi final');

  assert.equal(finals[0]?.text, await textOf('hi-IN.consent'));
  assert.equal(finals[0]?.provider, 'sarvam');
  await Promise.all([hindi.close(), english.close()]);
});

test('synthesis follows the per-language order too', async () => {
  const hindi = await services
    .synthesizer('hi-IN')
    .synthesize({ text: 'नमस्ते', languageCode: 'hi-IN' });
  const english = await services
    .synthesizer('en-US')
    .synthesize({ text: 'Hello', languageCode: 'en-US' });

  assert.equal(hindi.provider, 'sarvam');
  assert.equal(english.provider, 'google');
});

test("both synthesizers answer at Twilio's 8 kHz unless TTS_SAMPLE_RATE_HZ says otherwise", async () => {
  const hindi = await services
    .synthesizer('hi-IN')
    .synthesize({ text: 'नमस्ते', languageCode: 'hi-IN' });
  const english = await services
    .synthesizer('en-US')
    .synthesize({ text: 'Hi', languageCode: 'en-US' });
  assert.deepEqual([hindi.sampleRate, english.sampleRate], [8000, 8000]);

  const wide = new SpeechServices({
    ...speechConfigFromEnv({ TTS_SAMPLE_RATE_HZ: '24000', SARVAM_API_KEY: 'k' }),
    googleSpeechEndpoint: `${speech.host}:${speech.port}`,
    googleTtsEndpoint: `${tts.host}:${tts.port}`,
    sarvamApiUrl: sarvam.baseUrl,
  });
  const sarvamWide = await wide
    .synthesizer('hi-IN')
    .synthesize({ text: 'नमस्ते', languageCode: 'hi-IN' });
  assert.equal(sarvamWide.sampleRate, 24000);
  await wide.close();

  assert.throws(
    () => speechConfigFromEnv({ TTS_SAMPLE_RATE_HZ: '44100' }),
    /TTS_SAMPLE_RATE_HZ must be one of 8000, 16000, 22050, 24000/,
  );
});
