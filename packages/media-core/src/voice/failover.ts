import type { Logger } from 'pino';
import type { BreakerRegistry } from '../speech/breaker.js';
import { SpeechError } from '../speech/errors.js';
import type { SpeechMetrics } from '../speech/metrics.js';
import type { SynthesisRequest, SynthesizedAudio, Synthesizer } from './synthesizer.js';

/** Options of the failover synthesizer. */
export interface FailoverSynthesizerOptions {
  /** Providers in order of preference (see `providersFor`). */
  providers: string[];
  /** The synthesizer of each provider. */
  synthesizers: Record<string, Synthesizer>;
  /** Whether close() closes the synthesizers; default true (false when they are shared). */
  ownsSynthesizers?: boolean;
  /** The process-wide breakers; synthesizers use the keys `tts:<provider>`. */
  breakers: BreakerRegistry;
  /** A provider that has not answered by then stalled, in ms; default 4000. */
  attemptTimeoutMs?: number;
  /** Metrics (failovers, latency). */
  metrics?: SpeechMetrics;
  /** Logger (a call's child logger when used for one call). */
  log?: Logger;
}

/** Breaker key of a text-to-speech provider. */
export function ttsBreakerKey(provider: string): string {
  return `tts:${provider}`;
}

/**
 * Text-to-speech over an ordered list of providers sharing the recognizers' breaker registry:
 * a sentence that fails (error or no answer in time) is asked of the next provider, and a
 * provider whose breaker is open is skipped until a background probe closes it.
 */
export class FailoverSynthesizer implements Synthesizer {
  /** Provider name of the composite. */
  readonly provider = 'failover';

  private readonly attemptTimeoutMs: number;
  private closed = false;

  constructor(private readonly options: FailoverSynthesizerOptions) {
    if (options.providers.length === 0) throw new RangeError('providers must name at least one');

    for (const p of options.providers) {
      if (!options.synthesizers[p]) throw new RangeError(`synthesizers must hold provider "${p}"`);
    }

    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 4000;
  }

  async synthesize(req: SynthesisRequest, signal?: AbortSignal): Promise<SynthesizedAudio> {
    const order = this.order();
    let last: SpeechError | undefined;

    for (const [i, provider] of order.entries()) {
      signal?.throwIfAborted();
      try {
        return await this.attempt(provider, req, signal);
      } catch (err) {
        if (signal?.aborted) throw err;

        last = asSpeechError(err, provider);
        this.recordFailover(provider, order[i + 1], last);
      }
    }

    throw new SpeechError(
      'no text-to-speech provider answered',
      { reason: last?.reason ?? 'server', provider: last?.provider ?? 'none', cause: last },
      'SPEECH_NO_PROVIDER',
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    if (this.options.ownsSynthesizers === false) return;

    await Promise.all(Object.values(this.options.synthesizers).map((s) => s.close()));
  }

  /** Healthy providers in preference order, then the open ones (better a try than silence). */
  private order(): string[] {
    const healthy = (p: string) => this.options.breakers.isAvailable(ttsBreakerKey(p));
    const providers = this.options.providers;

    return [...providers.filter(healthy), ...providers.filter((p) => !healthy(p))];
  }

  private async attempt(
    provider: string,
    req: SynthesisRequest,
    signal: AbortSignal | undefined,
  ): Promise<SynthesizedAudio> {
    const synthesizer = this.options.synthesizers[provider] as Synthesizer;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });

    // Why our own deadline: a stalled provider holds the socket open without answering, and
    // the sentence must move on while the caller is still waiting for it.
    const stalled = setTimeout(() => controller.abort(stallError(provider)), this.attemptTimeoutMs);
    const startedMs = performance.now();

    try {
      const audio = await synthesizer.synthesize(req, controller.signal);
      this.options.breakers.recordSuccess(ttsBreakerKey(provider));
      this.options.metrics?.ttsLatency.observe(
        { provider },
        (performance.now() - startedMs) / 1000,
      );

      return audio;
    } catch (err) {
      const reason: unknown = controller.signal.reason;
      throw reason instanceof SpeechError ? reason : err;
    } finally {
      clearTimeout(stalled);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private recordFailover(from: string, to: string | undefined, err: SpeechError): void {
    this.options.breakers.recordFailure(ttsBreakerKey(from), err.reason);
    if (to === undefined) return;

    this.options.metrics?.ttsFailovers.inc({ from, to, reason: err.reason });
    this.options.log?.warn(
      { from, to, reason: err.reason, code: err.code, requestId: err.requestId },
      'tts failover',
    );
  }
}

function stallError(provider: string): SpeechError {
  return new SpeechError(`${provider}: no audio in time`, { reason: 'stall', provider });
}

function asSpeechError(err: unknown, provider: string): SpeechError {
  if (err instanceof SpeechError) return err;

  return new SpeechError(`${provider}: ${String(err)}`, { reason: 'server', provider, cause: err });
}
