import type { SarvamHttp } from '../speech/sarvam-http.js';
import { decodeWav } from '../speech/wav.js';
import type { SynthesisRequest, SynthesizedAudio, Synthesizer } from './synthesizer.js';

/** Options of the Sarvam synthesizer. */
export interface SarvamSynthesizerOptions {
  /** The process's Sarvam HTTP client (shared keep-alive pool). */
  http: SarvamHttp;
  /** Model; default `bulbul:v2`. */
  model?: string;
  /** Speaker when a request names none, per language (`hi-IN`) or `default`. */
  speakers?: Record<string, string>;
  /** Output rate asked for, in Hz (8000, 16000, 22050, 24000); default 22050. */
  sampleRate?: number;
  /** Whether the SarvamHttp is closed with this synthesizer; default false (it is shared). */
  ownsHttp?: boolean;
}

const defaultSpeakers: Record<string, string> = { default: 'anushka' };

/** Text-to-speech over Sarvam's REST API (bulbul models), one request per sentence. */
export class SarvamSynthesizer implements Synthesizer {
  /** Provider name. */
  readonly provider = 'sarvam';

  private readonly speakers: Record<string, string>;
  private readonly model: string;
  private readonly sampleRate: number;
  private closed = false;

  constructor(private readonly options: SarvamSynthesizerOptions) {
    this.model = options.model ?? 'bulbul:v2';
    this.sampleRate = options.sampleRate ?? 22050;
    this.speakers = { ...defaultSpeakers, ...options.speakers };
  }

  async synthesize(req: SynthesisRequest, signal?: AbortSignal): Promise<SynthesizedAudio> {
    const speaker =
      req.voice ?? this.speakers[req.languageCode] ?? (this.speakers.default as string);
    const res = await this.options.http.textToSpeech(
      {
        text: req.text,
        target_language_code: req.languageCode,
        speaker,
        model: this.model,
        speech_sample_rate: this.sampleRate,
        pace: req.speakingRate ?? 1,
      },
      signal,
    );

    return joinAudios(res.audios, this.provider);
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    if (this.options.ownsHttp) await this.options.http.close();
  }
}

/** Decodes Sarvam's base64 WAVs (one per text chunk it made) into one PCM track. */
function joinAudios(audios: string[], provider: string): SynthesizedAudio {
  const parts = audios.map((b64) => decodeWav(Buffer.from(b64, 'base64')));
  const sampleRate = parts[0]?.sampleRate ?? 0;
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.pcm.length, 0));

  let at = 0;
  for (const part of parts) {
    pcm.set(part.pcm, at);
    at += part.pcm.length;
  }

  return { pcm, sampleRate, provider };
}
