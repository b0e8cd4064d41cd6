import textToSpeech from '@google-cloud/text-to-speech';
import { singleAttempt } from '../speech/call-options.js';
import { speechErrorFromGrpc } from '../speech/errors.js';
import { gaxClientOptions, type GoogleEndpointOptions } from '../speech/google-client.js';
import { decodeWav } from '../speech/wav.js';
import type { SynthesisRequest, SynthesizedAudio, Synthesizer } from './synthesizer.js';

/** The v1 Text-to-Speech client. */
export type GoogleTtsClient = InstanceType<typeof textToSpeech.TextToSpeechClient>;

/** A TextToSpeechClient for the given endpoint (`GOOGLE_TTS_ENDPOINT` host:port → emulator). */
export function createGoogleTtsClient(options: GoogleEndpointOptions = {}): GoogleTtsClient {
  return new textToSpeech.TextToSpeechClient(gaxClientOptions(options));
}

/** Options of the Google synthesizer. */
export interface GoogleSynthesizerOptions {
  /** The process's TextToSpeechClient. */
  client: GoogleTtsClient;
  /** Voice name when a request names none, per language (`en-IN`); else the service picks. */
  voices?: Record<string, string>;
  /** Output rate asked for, in Hz; default 24000. */
  sampleRate?: number;
  /** One attempt's deadline, in ms; default 5000. */
  timeoutMs?: number;
  /** Whether the client is closed with this synthesizer; default false (it is shared). */
  ownsClient?: boolean;
}

/** Text-to-speech over Google Cloud Text-to-Speech (gRPC), LINEAR16 out. */
export class GoogleSynthesizer implements Synthesizer {
  /** Provider name. */
  readonly provider = 'google';

  private readonly sampleRate: number;
  private closed = false;

  constructor(private readonly options: GoogleSynthesizerOptions) {
    this.sampleRate = options.sampleRate ?? 24_000;
  }

  async synthesize(req: SynthesisRequest, signal?: AbortSignal): Promise<SynthesizedAudio> {
    const name = req.voice ?? this.options.voices?.[req.languageCode];
    const call = this.options.client.synthesizeSpeech(
      {
        input: { text: req.text },
        voice: { languageCode: req.languageCode, ...(name ? { name } : {}) },
        audioConfig: {
          audioEncoding: 'LINEAR16',
          sampleRateHertz: this.sampleRate,
          speakingRate: req.speakingRate ?? 1,
        },
      },
      singleAttempt(this.options.timeoutMs ?? 5000),
    );

    const [res] = await abortable(call, signal).catch((err: unknown) => {
      throw speechErrorFromGrpc(err, this.provider);
    });

    return { ...this.decode(res.audioContent), provider: this.provider };
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    if (this.options.ownsClient) await this.options.client.close();
  }

  /** LINEAR16 answers carry a WAV header; headerless audio is at the rate asked for. */
  private decode(
    content: Uint8Array | string | null | undefined,
  ): Omit<SynthesizedAudio, 'provider'> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'base64') : content;
    if (!bytes || bytes.length === 0)
      return { pcm: new Int16Array(0), sampleRate: this.sampleRate };

    if (Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('ascii') === 'RIFF') {
      return decodeWav(bytes);
    }

    const pcm = new Int16Array(Math.floor(bytes.length / 2));
    new Uint8Array(pcm.buffer).set(bytes.subarray(0, pcm.length * 2));

    return { pcm, sampleRate: this.sampleRate };
  }
}

/** Races a gax promise against an abort signal (gax promises take no signal). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { code: 4 }));
    if (signal.aborted) onAbort();

    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
