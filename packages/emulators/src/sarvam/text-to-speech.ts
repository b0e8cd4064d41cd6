// POST /text-to-speech: JSON `{ text | inputs[], target_language_code, speaker, model,
// speech_sample_rate, pace }` answered with `{ request_id, audios: [base64 WAV] }` of the synthetic
// voice.
import { synthesizeSpeechSignal } from '../google-tts/speech-signal.js';
import { encodeWav } from '../speech-match/wav.js';
import { SarvamRequestError } from './errors.js';
import { sarvamLanguages } from './languages.js';

/** Default output rate per model, in Hz (bulbul:v2 22050, bulbul:v3 24000). */
export const defaultRateHz: Record<string, number> = { 'bulbul:v2': 22050, 'bulbul:v3': 24000 };

const rates = [8000, 16000, 22050, 24000];
const maxTextChars = 2500;

/** Checks the JSON body and synthesizes one WAV per input; throws SarvamRequestError. */
export function textToSpeech(body: unknown): { audios: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SarvamRequestError(400, 'body: must be a JSON object');
  }

  const input = body as Record<string, unknown>;
  const texts = checkTexts(input);
  const model = optionalString(input, 'model') ?? 'bulbul:v2';
  if (!(model in defaultRateHz)) throw unprocessable('model: must be bulbul:v2 or bulbul:v3');

  const language = input.target_language_code;
  if (typeof language !== 'string' || !sarvamLanguages.includes(language)) {
    throw unprocessable(`target_language_code: must be one of ${sarvamLanguages.join(', ')}`);
  }

  const speaker = optionalString(input, 'speaker');
  if (speaker !== undefined && !/^[a-z]+$/.test(speaker)) {
    throw unprocessable('speaker: must be a lower-case speaker name (e.g. anushka)');
  }

  const rate = checkRate(input.speech_sample_rate, defaultRateHz[model] ?? 22050);
  const pace = checkPace(input.pace);
  const audios = texts.map((text) =>
    encodeWav(synthesizeSpeechSignal(text, rate, pace), rate).toString('base64'),
  );

  return { audios };
}

function checkTexts(input: Record<string, unknown>): string[] {
  const texts = input.inputs ?? (input.text === undefined ? undefined : [input.text]);
  if (!Array.isArray(texts) || texts.length === 0) {
    throw unprocessable('text: is required (or inputs: a non-empty array of strings)');
  }

  for (const text of texts) {
    if (typeof text !== 'string' || text.trim() === '' || text.length > maxTextChars) {
      throw unprocessable(
        `text: each input must be a non-empty string of at most ${maxTextChars} characters`,
      );
    }
  }

  return texts as string[];
}

function checkRate(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;

  const rate = Number(value);
  if (!rates.includes(rate))
    throw unprocessable(`speech_sample_rate: must be one of ${rates.join(', ')}`);

  return rate;
}

function checkPace(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || value < 0.3 || value > 3) {
    throw unprocessable('pace: must be a number from 0.3 to 3');
  }

  return value;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw unprocessable(`${field}: must be a string`);

  return value;
}

function unprocessable(message: string): SarvamRequestError {
  return new SarvamRequestError(422, message);
}
