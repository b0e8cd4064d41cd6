import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { FailoverReason } from './errors.js';
import type { SpeechMetrics } from './metrics.js';

/** A cheap real request that tells whether a provider answers again; rejects when it does not. */
export type Probe = (signal: AbortSignal) => Promise<void>;

/** Options of the breaker registry. */
export interface BreakerRegistryOptions {
  /** Consecutive failures that open a breaker; default 1 (a failed provider gets no new calls). */
  failureThreshold?: number;
  /** First wait before probing an open provider, in ms; default 2000. */
  probeIntervalMs?: number;
  /** Longest wait between probes, in ms (doubling after each failed probe); default 30000. */
  maxProbeIntervalMs?: number;
  /** A probe that has not answered by then counts as failed, in ms; default 5000. */
  probeTimeoutMs?: number;
  /** Provider health gauge is kept here when given. */
  metrics?: SpeechMetrics;
  /** Breaker changes are logged here when given. */
  log?: Logger;
}

/** Events of the breaker registry. */
export interface BreakerEvents {
  /** A provider's breaker opened: it gets no new calls. */
  open: [provider: string, reason: FailoverReason];
  /** A provider's breaker closed after a good probe (or a success). */
  close: [provider: string];
}

interface Breaker {
  probe: Probe | undefined;
  failures: number;
  open: boolean;
  nextProbeMs: number;
  timer: NodeJS.Timeout | undefined;
  probing: AbortController | undefined;
}

/**
 * Circuit breakers for every provider, shared process-wide: create one at start and give it to
 * every call, so one call's failure keeps the others off that provider. An open provider is
 * probed in the background and closes again when a probe succeeds.
 */
export class BreakerRegistry extends EventEmitter<BreakerEvents> {
  private readonly breakers = new Map<string, Breaker>();
  private readonly options: Required<Omit<BreakerRegistryOptions, 'metrics' | 'log'>>;
  private closed = false;

  constructor(private readonly config: BreakerRegistryOptions = {}) {
    super();
    this.options = {
      failureThreshold: positive(config.failureThreshold ?? 1, 'failureThreshold'),
      probeIntervalMs: positive(config.probeIntervalMs ?? 2000, 'probeIntervalMs'),
      maxProbeIntervalMs: positive(config.maxProbeIntervalMs ?? 30_000, 'maxProbeIntervalMs'),
      probeTimeoutMs: positive(config.probeTimeoutMs ?? 5000, 'probeTimeoutMs'),
    };
  }

  /** Declares a provider and the probe that checks it; a provider may be declared once. */
  register(provider: string, probe?: Probe): void {
    const known = this.breakers.get(provider);
    if (known) {
      known.probe ??= probe;
      return;
    }

    this.breakers.set(provider, {
      probe,
      failures: 0,
      open: false,
      nextProbeMs: this.options.probeIntervalMs,
      timer: undefined,
      probing: undefined,
    });
    this.config.metrics?.providerHealth.set({ provider }, 1);
  }

  /** Whether the provider may take new calls (its breaker is closed). */
  isAvailable(provider: string): boolean {
    return !this.breakers.get(provider)?.open;
  }

  /** Counts a failure; at the threshold the breaker opens and background probing starts. */
  recordFailure(provider: string, reason: FailoverReason): void {
    const breaker = this.ensure(provider);

    breaker.failures += 1;
    if (breaker.open || breaker.failures < this.options.failureThreshold) return;

    breaker.open = true;
    breaker.nextProbeMs = this.options.probeIntervalMs;
    this.config.metrics?.providerHealth.set({ provider }, 0);
    this.config.log?.warn({ provider, reason }, 'provider breaker opened');
    this.emit('open', provider, reason);
    this.scheduleProbe(provider, breaker);
  }

  /** Counts a success: resets the failure count and closes the breaker. */
  recordSuccess(provider: string): void {
    const breaker = this.ensure(provider);

    breaker.failures = 0;
    if (breaker.open) this.closeBreaker(provider, breaker);
  }

  /** Stops all probing; idempotent. Breaker states stay readable. */
  close(): void {
    this.closed = true;

    for (const breaker of this.breakers.values()) {
      clearTimeout(breaker.timer);
      breaker.probing?.abort();
    }
  }

  private ensure(provider: string): Breaker {
    this.register(provider);

    return this.breakers.get(provider) as Breaker;
  }

  private closeBreaker(provider: string, breaker: Breaker): void {
    breaker.open = false;
    breaker.failures = 0;
    clearTimeout(breaker.timer);
    breaker.timer = undefined;
    this.config.metrics?.providerHealth.set({ provider }, 1);
    this.config.log?.info({ provider }, 'provider breaker closed');
    this.emit('close', provider);
  }

  private scheduleProbe(provider: string, breaker: Breaker): void {
    if (this.closed || !breaker.probe) return;

    // Why unref: background probing must never keep a finished process alive.
    breaker.timer = setTimeout(() => void this.runProbe(provider, breaker), breaker.nextProbeMs);
    breaker.timer.unref();
  }

  private async runProbe(provider: string, breaker: Breaker): Promise<void> {
    const probe = breaker.probe;
    if (!probe || !breaker.open || this.closed) return;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.probeTimeoutMs);
    breaker.probing = controller;

    const ok = await withAbort(probe(controller.signal), controller.signal).then(
      () => true,
      () => false,
    );

    clearTimeout(timer);
    breaker.probing = undefined;
    if (this.closed || !breaker.open) return;

    if (ok) {
      this.closeBreaker(provider, breaker);
      return;
    }

    breaker.nextProbeMs = Math.min(breaker.nextProbeMs * 2, this.options.maxProbeIntervalMs);
    this.scheduleProbe(provider, breaker);
  }
}

function positive(value: number, field: string): number {
  if (!(value > 0)) throw new RangeError(`${field} must be a positive number`);

  return value;
}

function withAbort(work: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('probe timed out')), { once: true });
    work.then(resolve, reject);
  });
}
