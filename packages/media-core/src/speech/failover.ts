import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BreakerRegistry } from './breaker.js';
import { SpeechError, type FailoverReason } from './errors.js';
import type { SpeechMetrics } from './metrics.js';
import {
  RECOGNIZER_SAMPLE_RATE,
  SAMPLES_PER_MS,
  type FinalTranscript,
  type Recognizer,
  type RecognizerEvents,
  type RecognizerFactory,
} from './recognizer.js';
import { withDefaults } from './options.js';
import { PendingFinals } from './pending-finals.js';
import { ReplayBuffer } from './replay-buffer.js';

/** Options of a failover recognizer for one call. */
export interface FailoverRecognizerOptions {
  /** BCP-47 language of the call. */
  languageCode: string;
  /** Providers in order of preference for this call (see `providersFor`). */
  providers: string[];
  /** How to build each provider's recognizer. */
  factories: Record<string, RecognizerFactory>;
  /** The process-wide breakers; recognizers use the keys `asr:<provider>`. */
  breakers: BreakerRegistry;
  /** Speech ended but no final this long after: the provider stalled, in ms; default 3000. */
  stallTimeoutMs?: number;
  /**
   * How far past a final's end a later utterance may have ended and still count as answered by
   * it (a provider that merged two utterances into one result), in ms; default 800.
   */
  finalSlackMs?: number;
  /** Most audio kept since the last final for replay, in ms; default 60000. */
  replayMaxMs?: number;
  /** Chunk size of a replay, in ms; default 100. */
  replayChunkMs?: number;
  /** Audio kept between utterances (lead-in for a replay), in ms; default 1000. */
  idleKeepMs?: number;
  /**
   * Replay the unfinalised audio into the next provider; default true. False gives what most
   * voice frameworks do (the next provider hears only new audio), for comparison in benches.
   */
  replayOnFailover?: boolean;
  /** Metrics (failovers, latency, confidence). */
  metrics?: SpeechMetrics;
  /** Call logger. */
  log?: Logger;
}

interface Active {
  provider: string;
  recognizer: Recognizer;
  /** Call sample at which this recognizer's own sample 0 sits. */
  baseSample: number;
}

/** Breaker key of a recognition provider. */
export function asrBreakerKey(provider: string): string {
  return `asr:${provider}`;
}

/**
 * Recognition for one call over an ordered list of providers. The audio since the last final
 * transcript is kept in a ring; when the active provider fails (error or stall) the next one
 * gets that audio replayed with the VAD boundaries at their places, so the utterance in flight
 * is transcribed whole, once. Calls return to a preferred provider only between utterances.
 */
export class FailoverRecognizer extends EventEmitter<RecognizerEvents> implements Recognizer {
  /** Provider name of the composite. */
  readonly provider = 'failover';

  private readonly opts: Required<Omit<FailoverRecognizerOptions, 'metrics' | 'log'>>;
  private readonly metrics: SpeechMetrics | undefined;
  private readonly log: Logger | undefined;
  private readonly replay: ReplayBuffer;
  /** Providers that failed during this call; they come back only between utterances. */
  private readonly failedHere = new Set<string>();
  private active: Active | undefined;
  private received = 0;
  private inSpeech = false;
  private readonly pending: PendingFinals;
  private stallTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onBreakerClose = (key: string): void => {
    this.failedHere.delete(key.slice('asr:'.length));
  };

  constructor(options: FailoverRecognizerOptions) {
    super();
    if (options.providers.length === 0) throw new RangeError('providers must name at least one');

    for (const p of options.providers) {
      if (!options.factories[p]) throw new RangeError(`factories must hold provider "${p}"`);
    }

    this.opts = withDefaults(
      {
        stallTimeoutMs: 3000,
        finalSlackMs: 800,
        replayMaxMs: 60_000,
        replayChunkMs: 100,
        idleKeepMs: 1000,
        replayOnFailover: true,
      },
      options,
    );
    if (!(this.opts.stallTimeoutMs > 0)) {
      throw new RangeError('stallTimeoutMs must be a positive number of ms');
    }

    this.pending = new PendingFinals(this.opts.finalSlackMs * SAMPLES_PER_MS);
    this.metrics = options.metrics;
    this.log = options.log;
    this.replay = new ReplayBuffer({
      maxMs: this.opts.replayMaxMs,
      sampleRate: RECOGNIZER_SAMPLE_RATE,
    });
    this.opts.breakers.on('close', this.onBreakerClose);
    this.switchTo(this.choose(), 0);
  }

  /** Provider currently recognizing, or undefined once none is left. */
  get activeProvider(): string | undefined {
    return this.active?.provider;
  }

  /** Whether a finished utterance is still owed its final transcript. */
  private get awaitingFinal(): boolean {
    return this.pending.size > 0;
  }

  /** Audio lost to a replay-ring overflow, in samples (0 unless an utterance outgrew it). */
  get overflowSamples(): number {
    return this.replay.overflowSamples;
  }

  write(pcm: Int16Array): void {
    if (this.closed) return;

    this.replay.append(pcm);
    this.received += pcm.length;
    if (!this.inSpeech && !this.awaitingFinal) {
      this.replay.release(this.received - this.opts.idleKeepMs * SAMPLES_PER_MS);
    }

    this.active?.recognizer.write(pcm);
  }

  speechStarted(): void {
    if (this.closed) return;

    this.inSpeech = true;
    this.replay.mark('speechStart');
    this.emit('speechStart');
    if (!this.awaitingFinal && this.returnToPreferred()) return;

    this.active?.recognizer.speechStarted();
  }

  speechEnded(): void {
    if (this.closed) return;

    this.inSpeech = false;
    this.pending.add(this.received, performance.now());
    this.replay.mark('speechEnd');
    this.emit('speechEnd');
    this.active?.recognizer.speechEnded();
    // An earlier utterance still owed a final keeps its own, earlier deadline.
    if (this.pending.size === 1) this.armStallTimer();
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    clearTimeout(this.stallTimer);
    this.opts.breakers.off('close', this.onBreakerClose);
    await this.detach();
  }

  /** First usable provider: preferred order, breaker closed, not failed in this call. */
  private choose(): string | undefined {
    const order = this.opts.providers;
    const healthy = (p: string) => this.opts.breakers.isAvailable(asrBreakerKey(p));

    return (
      order.find((p) => healthy(p) && !this.failedHere.has(p)) ??
      // Every breaker open: trying a provider that failed elsewhere beats certain silence.
      order.find((p) => !this.failedHere.has(p))
    );
  }

  private switchTo(provider: string | undefined, baseSample: number): boolean {
    if (provider === undefined) return false;

    const factory = this.opts.factories[provider];
    let recognizer: Recognizer;
    try {
      recognizer = (factory as RecognizerFactory)({ languageCode: this.opts.languageCode });
    } catch (err) {
      this.log?.error({ provider, err }, 'asr provider could not start');
      this.failedHere.add(provider);
      return this.switchTo(this.choose(), baseSample);
    }

    const active: Active = { provider, recognizer, baseSample };
    this.active = active;
    recognizer.on('interim', (t) => {
      if (this.active === active) this.emit('interim', t);
    });
    recognizer.on('final', (t) => this.onFinal(active, t));
    recognizer.on('error', (err) => this.onError(active, err));

    return true;
  }

  private onFinal(active: Active, final: FinalTranscript): void {
    if (this.active !== active || this.closed) return;

    // Without an end time, the final is taken to cover all audio so far.
    const endSample =
      final.endMs === undefined ? undefined : active.baseSample + final.endMs * SAMPLES_PER_MS;
    this.replay.release(endSample ?? this.received);
    this.settle(active.provider, final, endSample);

    if (final.text) this.emit('final', rebase(final, active.baseSample));
    if (!this.inSpeech && !this.awaitingFinal) this.returnToPreferred();
  }

  /** Bookkeeping of a final: owed finals and their stall timer, latency, confidence, breaker. */
  private settle(provider: string, final: FinalTranscript, endSample: number | undefined): void {
    this.opts.breakers.recordSuccess(asrBreakerKey(provider));

    const answered = this.pending.answer(endSample);
    if (this.awaitingFinal) this.armStallTimer();
    else clearTimeout(this.stallTimer);

    if (answered !== undefined) {
      const latencyS = (performance.now() - answered.endedAtMs) / 1000;
      this.metrics?.asrLatency.observe({ provider }, latencyS);
    }

    if (final.confidence !== null && final.text) {
      this.metrics?.asrConfidence.observe({ provider }, final.confidence);
    }
  }

  private onError(active: Active, err: SpeechError): void {
    if (this.active !== active || this.closed) return;

    this.failover(err.reason, err);
  }

  /** Arms the stall timer for the utterance owed a final longest. */
  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    const oldest = this.pending.oldest;
    if (oldest === undefined) return;

    // Why a timer and not the provider's own deadline: a stalled stream stays open and silent,
    // and only the caller's pause tells us an answer is overdue.
    // Limit: an utterance of pure noise, for which a provider rightly sends no final at all,
    // also trips this timer and costs that provider a breaker opening.
    this.stallTimer = setTimeout(
      () => {
        const provider = this.active?.provider ?? 'none';
        const err = new SpeechError(`${provider}: no final transcript after speech end`, {
          reason: 'stall',
          provider,
        });
        this.failover('stall', err);
      },
      Math.max(0, oldest.waitFromMs + this.opts.stallTimeoutMs - performance.now()),
    );
  }

  private failover(reason: FailoverReason, err: SpeechError): void {
    const from = this.active?.provider ?? 'none';

    this.metrics?.asrErrors.inc({ provider: from, reason });
    this.opts.breakers.recordFailure(asrBreakerKey(from), reason);
    this.failedHere.add(from);
    void this.detach();

    const to = this.choose();
    const base = this.opts.replayOnFailover ? this.replay.startSample : this.received;
    if (!this.switchTo(to, base)) {
      this.giveUp(err);
      return;
    }

    const replayMs = this.opts.replayOnFailover ? this.replayIntoActive() : this.resumeLive();
    this.metrics?.asrFailovers.inc({ from, to: to as string, reason });
    this.log?.warn({ from, to, reason, code: err.code, requestId: err.requestId }, 'asr failover');
    this.emit('failover', { from, to: to as string, reason, replayMs, atMs: performance.now() });
    this.pending.restartWaits(performance.now());
    this.armStallTimer();
  }

  /**
   * Moves the call back to a more preferred provider whose breaker closed again (a probe
   * succeeded). Only called between utterances, or as one starts, so no utterance is split
   * across two providers.
   */
  private returnToPreferred(): boolean {
    const current = this.active?.provider;
    const order = this.opts.providers;
    const better = order
      .slice(0, current === undefined ? order.length : order.indexOf(current))
      .find((p) => this.opts.breakers.isAvailable(asrBreakerKey(p)) && !this.failedHere.has(p));
    if (better === undefined) return false;

    void this.detach();
    this.switchTo(better, this.replay.startSample);

    const replayMs = this.replayIntoActive();
    this.log?.info({ from: current, to: better }, 'asr provider restored');
    this.emit('failover', {
      from: current ?? 'none',
      to: better,
      reason: 'restored',
      replayMs,
      atMs: performance.now(),
    });

    return true;
  }

  /** Without replay: the new provider starts at the current position, told only if in speech. */
  private resumeLive(): number {
    this.replay.release(this.received);
    this.pending.clear();
    if (this.inSpeech) this.active?.recognizer.speechStarted();

    return 0;
  }

  /** Replays the unfinalised audio into the active recognizer; returns its length in ms. */
  private replayIntoActive(): number {
    const target = (this.active as Active).recognizer;
    const marks = this.replay.marksFrom();
    const first = marks[0];
    // Speech that began before the held audio (a final cut it mid-utterance) is still speech.
    const speechAtStart = first ? first.kind === 'speechEnd' : this.inSpeech;

    if (speechAtStart) target.speechStarted();
    this.replay.replayInto(target, this.opts.replayChunkMs * SAMPLES_PER_MS);

    return this.replay.length / SAMPLES_PER_MS;
  }

  private giveUp(err: SpeechError): void {
    this.log?.error({ code: err.code }, 'asr has no provider left');
    this.active = undefined;
    clearTimeout(this.stallTimer);
    this.emit(
      'error',
      new SpeechError(
        'no speech recognition provider left for this call',
        { reason: err.reason, provider: err.provider, requestId: err.requestId, cause: err },
        'SPEECH_NO_PROVIDER',
      ),
    );
  }

  private async detach(): Promise<void> {
    const active = this.active;
    this.active = undefined;
    if (!active) return;

    active.recognizer.removeAllListeners();
    // A late error from a closed provider must not crash the process as an unhandled 'error'.
    active.recognizer.on('error', () => undefined);
    await active.recognizer.close();
  }
}

function rebase(final: FinalTranscript, baseSample: number): FinalTranscript {
  const baseMs = baseSample / SAMPLES_PER_MS;
  const out: FinalTranscript = { ...final };

  if (final.startMs !== undefined) out.startMs = final.startMs + baseMs;
  if (final.endMs !== undefined) out.endMs = final.endMs + baseMs;

  return out;
}
