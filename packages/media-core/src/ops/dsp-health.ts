// DSP worker failures reported on /health: a worker that fails keeps being replaced, and each
// failure costs its calls a tick of audio, which an operator should see without reading /metrics.
import type { HealthState } from './health.js';

/** The /health component name of the DSP pool. */
export const DSP_HEALTH_COMPONENT = 'dsp';

/**
 * Marks /health `degraded` while DSP workers have failed within the last `windowMs`, with how
 * many and when the last one did; a quiet window clears the mark.
 */
export class DspHealthReporter {
  private failuresAtMs: number[] = [];
  private clearTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly health: HealthState,
    private readonly windowMs = 60_000,
  ) {}

  /** A worker failed a batch now. */
  workerFailed(): void {
    const nowMs = performance.now();
    this.failuresAtMs = this.failuresAtMs.filter((atMs) => nowMs - atMs < this.windowMs);
    this.failuresAtMs.push(nowMs);

    const count = this.failuresAtMs.length;
    const windowS = Math.round(this.windowMs / 1000);
    this.health.markDegraded(
      DSP_HEALTH_COMPONENT,
      `${count} worker failure${count === 1 ? '' : 's'} in the last ${windowS} s, ` +
        `the last at ${new Date().toISOString()}`,
    );

    clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => this.recover(), this.windowMs);
    this.clearTimer.unref();
  }

  /** Stops the pending clear (the server is closing). */
  close(): void {
    clearTimeout(this.clearTimer);
  }

  private recover(): void {
    this.failuresAtMs = [];
    this.health.clearDegraded(DSP_HEALTH_COMPONENT);
  }
}
