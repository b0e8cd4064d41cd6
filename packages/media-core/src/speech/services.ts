import type { Logger } from 'pino';
import { ConfigError } from '../ops/config.js';
import type { Registry } from 'prom-client';
import { createGoogleTtsClient, GoogleSynthesizer, type GoogleTtsClient } from '../voice/google.js';
import { FailoverSynthesizer, ttsBreakerKey } from '../voice/failover.js';
import { SarvamSynthesizer } from '../voice/sarvam.js';
import type { Synthesizer } from '../voice/synthesizer.js';
import { BreakerRegistry } from './breaker.js';
import { asrBreakerKey, FailoverRecognizer } from './failover.js';
import { GoogleRecognizer } from './google.js';
import { createGoogleSpeechClient, type GoogleSpeechClient } from './google-client.js';
import { speechMetrics, type SpeechMetrics } from './metrics.js';
import { googleSpeechProbe, googleTtsProbe, sarvamSpeechProbe, sarvamTtsProbe } from './probes.js';
import type { RecognizerFactory } from './recognizer.js';
import { DEFAULT_ASR_ROUTING, DEFAULT_TTS_ROUTING, providersFor } from './routing.js';
import type { ProviderRouting } from './routing.js';
import { SarvamHttp } from './sarvam-http.js';
import { SarvamRecognizer } from './sarvam.js';

/** Configuration of the speech providers (see `speechConfigFromEnv`). */
export interface SpeechConfig {
  /** Google Speech `host:port` of a local emulator; unset = the real service. */
  googleSpeechEndpoint?: string | undefined;
  /** Google Text-to-Speech `host:port` of a local emulator; unset = the real service. */
  googleTtsEndpoint?: string | undefined;
  /** Sarvam API base URL. */
  sarvamApiUrl?: string | undefined;
  /** Sarvam subscription key. */
  sarvamApiKey: string;
  /** Google recognition model; default `telephony`. */
  googleModel?: string | undefined;
  /** Sarvam recognition model; default `saarika:v2.5`. */
  sarvamSttModel?: string | undefined;
  /**
   * Rate asked of both text-to-speech providers, in Hz; default 8000, Twilio's own, so replies
   * need no resampling on their way to the caller.
   */
  ttsSampleRateHz?: number | undefined;
  /** Sarvam voice model; default `bulbul:v2`. */
  sarvamTtsModel?: string | undefined;
  /** Sarvam speaker per language (or `default`). */
  sarvamSpeakers?: Record<string, string> | undefined;
  /** Recognition provider order per language. */
  asrRouting?: ProviderRouting | undefined;
  /** Text-to-speech provider order per language. */
  ttsRouting?: ProviderRouting | undefined;
  /** Speech ended without a final for this long: the provider stalled, in ms. */
  stallTimeoutMs?: number | undefined;
  /** Google stream rotation age, in ms. */
  rotateAfterMs?: number | undefined;
  /** First wait before probing a failed provider, in ms. */
  probeIntervalMs?: number | undefined;
}

/** Rates both text-to-speech providers can produce (Sarvam's list; Google takes any). */
export const TTS_SAMPLE_RATES_HZ = [8000, 16000, 22050, 24000] as const;

/** Twilio's rate: audio asked at it goes to the caller without resampling. */
const DEFAULT_TTS_SAMPLE_RATE_HZ = 8000;

/**
 * Reads the speech configuration from the environment: `GOOGLE_SPEECH_ENDPOINT`,
 * `GOOGLE_TTS_ENDPOINT`, `SARVAM_API_URL`, `SARVAM_API_KEY`, `ASR_STALL_TIMEOUT_MS`,
 * `TTS_SAMPLE_RATE_HZ`.
 */
export function speechConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SpeechConfig {
  const stall = env.ASR_STALL_TIMEOUT_MS;

  return {
    ttsSampleRateHz: ttsSampleRateFrom(env.TTS_SAMPLE_RATE_HZ),
    googleSpeechEndpoint: env.GOOGLE_SPEECH_ENDPOINT || undefined,
    googleTtsEndpoint: env.GOOGLE_TTS_ENDPOINT || undefined,
    sarvamApiUrl: env.SARVAM_API_URL || undefined,
    sarvamApiKey: env.SARVAM_API_KEY ?? '',
    stallTimeoutMs: stall ? Number(stall) : undefined,
  };
}

/** Process-wide speech services: provider clients, the breakers, and per-call composites. */
export class SpeechServices {
  /** Breakers shared by every call (keys `asr:<provider>`, `tts:<provider>`). */
  readonly breakers: BreakerRegistry;
  /** Metrics of the speech clients. */
  readonly metrics: SpeechMetrics;

  private readonly speechClient: GoogleSpeechClient;
  private readonly ttsClient: GoogleTtsClient;
  private readonly sarvam: SarvamHttp;
  private readonly factories: Record<string, RecognizerFactory>;
  private readonly synthesizers: Record<string, Synthesizer>;
  private closed = false;

  constructor(
    private readonly config: SpeechConfig,
    deps: { registry?: Registry; log?: Logger } = {},
  ) {
    this.metrics = speechMetrics(deps.registry);
    this.breakers = new BreakerRegistry({
      metrics: this.metrics,
      log: deps.log,
      probeIntervalMs: config.probeIntervalMs,
    });
    this.speechClient = createGoogleSpeechClient({ endpoint: config.googleSpeechEndpoint });
    this.ttsClient = createGoogleTtsClient({ endpoint: config.googleTtsEndpoint });
    this.sarvam = new SarvamHttp({ baseUrl: config.sarvamApiUrl, apiKey: config.sarvamApiKey });
    this.factories = this.recognizerFactories();
    const ttsSampleRateHz = config.ttsSampleRateHz ?? DEFAULT_TTS_SAMPLE_RATE_HZ;
    this.synthesizers = {
      sarvam: new SarvamSynthesizer({
        http: this.sarvam,
        model: config.sarvamTtsModel,
        speakers: config.sarvamSpeakers,
        sampleRate: ttsSampleRateHz,
      }),
      google: new GoogleSynthesizer({
        client: this.ttsClient,
        sampleRate: ttsSampleRateHz,
      }),
    };
    this.registerProbes();
  }

  /** A failover recognizer for one call in `languageCode`, logging to the call's logger. */
  recognizer(languageCode: string, log?: Logger): FailoverRecognizer {
    return new FailoverRecognizer({
      languageCode,
      providers: providersFor(this.config.asrRouting ?? DEFAULT_ASR_ROUTING, languageCode),
      factories: this.factories,
      breakers: this.breakers,
      stallTimeoutMs: this.config.stallTimeoutMs,
      metrics: this.metrics,
      log,
    });
  }

  /** A failover synthesizer for `languageCode` (its provider order); cheap, per call or turn. */
  synthesizer(languageCode: string, log?: Logger): FailoverSynthesizer {
    return new FailoverSynthesizer({
      providers: providersFor(this.config.ttsRouting ?? DEFAULT_TTS_ROUTING, languageCode),
      synthesizers: this.synthesizers,
      ownsSynthesizers: false,
      breakers: this.breakers,
      metrics: this.metrics,
      log,
    });
  }

  /** Stops probes and closes every provider client; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    this.breakers.close();
    await Promise.all(Object.values(this.synthesizers).map((s) => s.close()));
    await Promise.all([this.speechClient.close(), this.ttsClient.close(), this.sarvam.close()]);
  }

  private recognizerFactories(): Record<string, RecognizerFactory> {
    return {
      google: ({ languageCode }) =>
        new GoogleRecognizer({
          client: this.speechClient,
          languageCode,
          model: this.config.googleModel,
          rotateAfterMs: this.config.rotateAfterMs,
        }),
      sarvam: ({ languageCode }) =>
        new SarvamRecognizer({
          http: this.sarvam,
          languageCode,
          model: this.config.sarvamSttModel,
        }),
    };
  }

  private registerProbes(): void {
    this.breakers.register(asrBreakerKey('google'), googleSpeechProbe(this.speechClient));
    this.breakers.register(asrBreakerKey('sarvam'), sarvamSpeechProbe(this.sarvam));
    this.breakers.register(ttsBreakerKey('google'), googleTtsProbe(this.ttsClient));
    this.breakers.register(ttsBreakerKey('sarvam'), sarvamTtsProbe(this.sarvam));
  }
}

function ttsSampleRateFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;

  const rate = Number(raw);
  if (!(TTS_SAMPLE_RATES_HZ as readonly number[]).includes(rate)) {
    throw new ConfigError('TTS_SAMPLE_RATE_HZ', `must be one of ${TTS_SAMPLE_RATES_HZ.join(', ')}`);
  }

  return rate;
}
