import { FormData, Pool, type Dispatcher } from 'undici';
import { SpeechError, reasonFromHttpStatus, speechErrorFromTransport } from './errors.js';

/** Default Sarvam API base URL. */
export const SARVAM_DEFAULT_URL = 'https://api.sarvam.ai';

/** Options of the Sarvam HTTP client (one per process: it owns the keep-alive pool). */
export interface SarvamHttpOptions {
  /** API base URL (`SARVAM_API_URL`); default https://api.sarvam.ai. */
  baseUrl?: string;
  /** Subscription key (`SARVAM_API_KEY`), sent as `api-subscription-key`. */
  apiKey: string;
  /** Most open connections to the API host; default 16. */
  connections?: number;
  /** Time to wait for the answer's headers, in ms; default 15000. */
  requestTimeoutMs?: number;
}

/** A speech-to-text request: one utterance as WAV. */
export interface SarvamSttRequest {
  /** The utterance, a 16 kHz mono PCM16 WAV file of at most 30 s. */
  wav: Buffer;
  /** Model, e.g. `saarika:v2.5`. */
  model: string;
  /** Language, e.g. `hi-IN` (or `unknown` for detection). */
  languageCode: string;
}

/** What Sarvam answers to a speech-to-text request. */
export interface SarvamSttResult {
  /** The utterance's text. */
  transcript: string;
  /** Language of the text, as Sarvam reports it. */
  languageCode: string | undefined;
  /** Sarvam's request id. */
  requestId: string | undefined;
}

/** A text-to-speech request (Sarvam's JSON body). */
export interface SarvamTtsRequest {
  /** Text to speak. */
  text: string;
  /** Language, e.g. `hi-IN`. */
  target_language_code: string;
  /** Voice name. */
  speaker: string;
  /** Model, e.g. `bulbul:v2`. */
  model: string;
  /** Output rate, in Hz (8000, 16000, 22050, 24000). */
  speech_sample_rate: number;
  /** Speaking pace, 1 = normal. */
  pace?: number;
}

/** What Sarvam answers to a text-to-speech request. */
export interface SarvamTtsResult {
  /** Base64 WAV files, one per input chunk. */
  audios: string[];
  /** Sarvam's request id. */
  requestId: string | undefined;
}

/**
 * Sarvam's REST API over one undici keep-alive pool: every call shares the warm connections,
 * so an utterance pays no TCP or TLS handshake.
 */
export class SarvamHttp {
  /** Provider name in errors and metrics. */
  readonly provider = 'sarvam';

  private readonly pool: Pool;
  private readonly pathPrefix: string;
  private readonly apiKey: string;
  private closed = false;

  constructor(options: SarvamHttpOptions) {
    const url = new URL(options.baseUrl ?? SARVAM_DEFAULT_URL);
    const timeoutMs = options.requestTimeoutMs ?? 15_000;

    this.pathPrefix = url.pathname.replace(/\/$/, '');
    this.apiKey = options.apiKey;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 16,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Transcribes one utterance (`POST /speech-to-text`, multipart). */
  async speechToText(req: SarvamSttRequest, signal?: AbortSignal): Promise<SarvamSttResult> {
    const form = new FormData();
    form.set('file', new Blob([req.wav], { type: 'audio/wav' }), 'utterance.wav');
    form.set('model', req.model);
    form.set('language_code', req.languageCode);

    const body = (await this.post('/speech-to-text', form, signal)) as {
      transcript?: string;
      language_code?: string;
      request_id?: string;
    };

    return {
      transcript: body.transcript ?? '',
      languageCode: body.language_code ?? undefined,
      requestId: body.request_id ?? undefined,
    };
  }

  /** Synthesizes speech (`POST /text-to-speech`, JSON). */
  async textToSpeech(req: SarvamTtsRequest, signal?: AbortSignal): Promise<SarvamTtsResult> {
    const body = (await this.post('/text-to-speech', JSON.stringify(req), signal)) as {
      audios?: string[];
      request_id?: string;
    };

    if (!Array.isArray(body.audios) || body.audios.length === 0) {
      throw new SpeechError('sarvam: text-to-speech answer must hold audios', {
        reason: 'server',
        provider: this.provider,
        requestId: body.request_id,
      });
    }

    return { audios: body.audios, requestId: body.request_id };
  }

  /** Closes the pool; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    await this.pool.close();
  }

  private async post(
    path: string,
    body: string | FormData,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const headers: Record<string, string> = { 'api-subscription-key': this.apiKey };
    if (typeof body === 'string') headers['content-type'] = 'application/json';

    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool.request({
        path: this.pathPrefix + path,
        method: 'POST',
        headers,
        body,
        signal,
      });
    } catch (err) {
      throw speechErrorFromTransport(err, this.provider);
    }

    return this.readAnswer(res);
  }

  private async readAnswer(res: Dispatcher.ResponseData): Promise<unknown> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw speechErrorFromTransport(err, this.provider);
    }

    const json = parseJson(text);
    const requestId = requestIdOf(json) ?? headerValue(res.headers['x-request-id']);
    if (res.statusCode >= 200 && res.statusCode < 300) return json ?? {};

    throw new SpeechError(`sarvam: HTTP ${res.statusCode}`, {
      reason: reasonFromHttpStatus(res.statusCode),
      provider: this.provider,
      requestId,
      status: res.statusCode,
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function requestIdOf(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;

  const top = (json as { request_id?: unknown }).request_id;
  const nested = (json as { error?: { request_id?: unknown } }).error?.request_id;
  const id = top ?? nested;

  return typeof id === 'string' ? id : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
