/** One sentence to speak. */
export interface SynthesisRequest {
  /** Text to speak (one sentence: the first plays while the rest are synthesized). */
  text: string;
  /** BCP-47 language, e.g. `hi-IN`. */
  languageCode: string;
  /** Voice name in the provider's terms; each provider has a default per language. */
  voice?: string;
  /** Speaking rate, 1 = normal. */
  speakingRate?: number;
}

/** Synthesized speech at the provider's rate (playback resamples it). */
export interface SynthesizedAudio {
  /** Mono PCM16 samples. */
  pcm: Int16Array;
  /** Sample rate of `pcm`, in Hz. */
  sampleRate: number;
  /** Provider that spoke it. */
  provider: string;
}

/** A text-to-speech client. Synthesis is stateless, so one instance serves every call. */
export interface Synthesizer {
  /** Provider name (`sarvam`, `google`) or `failover` for the composite. */
  readonly provider: string;
  /** Speaks one sentence; rejects with a SpeechError when the provider fails. */
  synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesizedAudio>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
