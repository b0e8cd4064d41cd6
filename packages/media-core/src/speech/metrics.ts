import { Counter, Gauge, Histogram, Registry, register as defaultRegistry } from 'prom-client';

/** The speech and voice metrics, registered once per prom-client registry. */
export interface SpeechMetrics {
  /** Recognition failovers, by provider left, provider taken and reason. */
  asrFailovers: Counter<'from' | 'to' | 'reason'>;
  /** Confidence of final transcripts (0..1), by provider; Sarvam gives none. */
  asrConfidence: Histogram<'provider'>;
  /** Seconds from the local VAD's speech end to the final transcript, by provider. */
  asrLatency: Histogram<'provider'>;
  /** Speech-to-text provider errors, by provider and reason. */
  asrErrors: Counter<'provider' | 'reason'>;
  /** Text-to-speech failovers, by provider left, provider taken and reason. */
  ttsFailovers: Counter<'from' | 'to' | 'reason'>;
  /** Seconds from a synthesis request to its audio, by provider. */
  ttsLatency: Histogram<'provider'>;
  /** 1 while a provider's circuit breaker is closed, 0 while it is open. */
  providerHealth: Gauge<'provider'>;
}

const byRegistry = new WeakMap<Registry, SpeechMetrics>();

const latencyBucketsS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

/** The speech metrics on `registry` (prom-client's default unless given), created once. */
export function speechMetrics(registry: Registry = defaultRegistry): SpeechMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;

  const registers = [registry];
  const metrics: SpeechMetrics = {
    asrFailovers: new Counter({
      name: 'asr_failovers_total',
      help: 'Speech recognition failovers from one provider to another',
      labelNames: ['from', 'to', 'reason'],
      registers,
    }),
    asrConfidence: new Histogram({
      name: 'asr_confidence_score',
      help: 'Confidence of final transcripts, 0..1',
      labelNames: ['provider'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
      registers,
    }),
    asrLatency: new Histogram({
      name: 'asr_recognition_latency_seconds',
      help: 'Time from the end of speech (local VAD) to the final transcript',
      labelNames: ['provider'],
      buckets: latencyBucketsS,
      registers,
    }),
    asrErrors: new Counter({
      name: 'asr_provider_errors_total',
      help: 'Speech recognition provider errors',
      labelNames: ['provider', 'reason'],
      registers,
    }),
    ttsFailovers: new Counter({
      name: 'tts_failovers_total',
      help: 'Text-to-speech failovers from one provider to another',
      labelNames: ['from', 'to', 'reason'],
      registers,
    }),
    ttsLatency: new Histogram({
      name: 'tts_synthesis_latency_seconds',
      help: 'Time from a synthesis request to its audio',
      labelNames: ['provider'],
      buckets: latencyBucketsS,
      registers,
    }),
    providerHealth: new Gauge({
      name: 'speech_provider_healthy',
      help: '1 while the provider circuit breaker is closed, 0 while open',
      labelNames: ['provider'],
      registers,
    }),
  };

  byRegistry.set(registry, metrics);

  return metrics;
}

/** Speech metrics on a registry of their own (tests and benches that count one run). */
export function isolatedSpeechMetrics(): SpeechMetrics {
  return speechMetrics(new Registry());
}
