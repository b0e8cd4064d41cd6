// POST /speech-to-text: a multipart form with `file` (WAV), `model` and `language_code`;
// answers `{ request_id, transcript, language_code }` with the words of the fixture
// utterances the audio matches (the same matcher as every emulated recognizer).
import type { SpeechMatcher } from '../speech-match/matcher.js';
import { UtteranceTracker } from '../speech-match/utterance-tracker.js';
import { decodeWav, WavError } from '../speech-match/wav.js';
import { SarvamRequestError } from './errors.js';
import { sarvamLanguages } from './languages.js';

/** Fact enforced: the REST endpoint takes at most 30 s of audio a request. */
export const maxAudioS = 30;

/** Speech-to-text models the emulator accepts (configuration, not logic: extend freely). */
export const sttModels = [
  'saarika:v1',
  'saarika:v2',
  'saarika:v2.5',
  'saarika:flash',
  'saaras:v2',
  'saaras:v2.5',
  'saaras:v3',
];

/** Language codes the REST endpoint accepts (`unknown` asks for detection). */
export const sttLanguages = [...sarvamLanguages, 'unknown'];

/** The fields of the form the emulator reads. */
export interface SttForm {
  /** The uploaded file's bytes, if any. */
  file: Uint8Array | undefined;
  /** `model` field. */
  model: string | undefined;
  /** `language_code` field. */
  languageCode: string | undefined;
}

/** The answer body. */
export interface SttAnswer {
  transcript: string;
  language_code: string;
  /** Audio bytes received (for the stats). */
  audioBytes: number;
}

/** Checks the form and recognizes the audio; throws SarvamRequestError naming the field. */
export function speechToText(
  form: SttForm,
  matcher: SpeechMatcher,
  endpointingMs: number,
): SttAnswer {
  const model = form.model ?? 'saarika:v2.5';
  if (!sttModels.includes(model)) {
    throw new SarvamRequestError(400, `model: must be one of ${sttModels.join(', ')}`);
  }

  const languageCode = form.languageCode ?? 'unknown';
  if (!sttLanguages.includes(languageCode)) {
    throw new SarvamRequestError(400, `language_code: must be one of ${sttLanguages.join(', ')}`);
  }

  if (!form.file) throw new SarvamRequestError(400, 'file: is required (a WAV audio file)');
  const audio = decodeAudio(form.file);
  if (audio.samples.length / audio.sampleRate > maxAudioS) {
    throw new SarvamRequestError(
      400,
      `file: audio longer than ${maxAudioS} seconds; split it or use the batch API`,
    );
  }

  const tracker = new UtteranceTracker(matcher, audio.sampleRate, { endpointingMs });
  const finals = [...tracker.push(audio.samples), ...tracker.finish()].flatMap((event) =>
    event.type === 'final' && event.text !== '' ? [event] : [],
  );

  return {
    transcript: finals.map((event) => event.text).join(' '),
    language_code: languageCode === 'unknown' ? (finals[0]?.language ?? 'en-IN') : languageCode,
    audioBytes: form.file.length,
  };
}

function decodeAudio(bytes: Uint8Array): ReturnType<typeof decodeWav> {
  try {
    return decodeWav(bytes);
  } catch (error) {
    if (error instanceof WavError) throw new SarvamRequestError(400, error.message);
    throw error;
  }
}
