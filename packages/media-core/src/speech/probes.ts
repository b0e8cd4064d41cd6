import type { TextToSpeechClient } from '@google-cloud/text-to-speech';
import type { Probe } from './breaker.js';
import { singleAttempt } from './call-options.js';
import type { GoogleSpeechClient } from './google-client.js';
import { RECOGNIZER_SAMPLE_RATE, SAMPLES_PER_MS } from './recognizer.js';
import type { SarvamHttp } from './sarvam-http.js';
import { encodeWav } from './wav.js';

/** Silence sent by recognition probes, in ms: short, so a probe costs next to nothing. */
const PROBE_AUDIO_MS = 100;

/** Probe of Google recognition: a one-shot `Recognize` of a short silence. */
export function googleSpeechProbe(client: GoogleSpeechClient, timeoutMs = 3000): Probe {
  const silence = Buffer.alloc(PROBE_AUDIO_MS * SAMPLES_PER_MS * 2);

  return async () => {
    await client.recognize(
      {
        config: {
          encoding: 'LINEAR16',
          sampleRateHertz: RECOGNIZER_SAMPLE_RATE,
          languageCode: 'en-US',
        },
        audio: { content: silence },
      },
      singleAttempt(timeoutMs),
    );
  };
}

/** Probe of Sarvam recognition: a transcription of a short silence. */
export function sarvamSpeechProbe(http: SarvamHttp, model = 'saarika:v2.5'): Probe {
  const wav = encodeWav(new Int16Array(PROBE_AUDIO_MS * SAMPLES_PER_MS), RECOGNIZER_SAMPLE_RATE);

  return async (signal) => {
    await http.speechToText({ wav, model, languageCode: 'en-IN' }, signal);
  };
}

/** Probe of Google text-to-speech: `ListVoices` for one language (no audio is made). */
export function googleTtsProbe(client: TextToSpeechClient, timeoutMs = 3000): Probe {
  return async () => {
    await client.listVoices({ languageCode: 'en-IN' }, singleAttempt(timeoutMs));
  };
}

/** Probe of Sarvam text-to-speech: the shortest synthesis, one word at 8 kHz. */
export function sarvamTtsProbe(http: SarvamHttp, model = 'bulbul:v2', speaker = 'anushka'): Probe {
  return async (signal) => {
    const req = {
      text: 'ok',
      target_language_code: 'en-IN',
      speaker,
      model,
      speech_sample_rate: 8000,
    };
    await http.textToSpeech(req, signal);
  };
}
