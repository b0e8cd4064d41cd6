// What GET /health answers: readiness for the load balancer and a glance for operators.
import { createRequire } from 'node:module';

/** The health states, worst last. */
export type HealthStatus = 'ok' | 'degraded' | 'draining';

/** Body of GET /health. */
export interface HealthReport {
  /** `draining` once a drain began; `degraded` while any component reports trouble. */
  status: HealthStatus;
  /** Open media streams. */
  activeCalls: number;
  /** Version of @voice-agent/media-core. */
  version: string;
  /** Seconds since the server started. */
  uptimeS: number;
  /** Components in trouble and why (present only when degraded). */
  degraded?: Record<string, string>;
}

/** Version from the package manifest, read once (dist/src/ops → the package root). */
export const MEDIA_CORE_VERSION: string = (
  createRequire(import.meta.url)('../../../package.json') as { version: string }
).version;

/** Tracks what /health reports. Parts of the server mark themselves degraded by name. */
export class HealthState {
  private readonly startedAtMs = performance.now();
  private readonly degraded = new Map<string, string>();
  private isDraining = false;

  constructor(private readonly activeCalls: () => number) {}

  /** Marks `component` degraded with a short reason (e.g. a DSP worker that keeps crashing). */
  markDegraded(component: string, reason: string): void {
    this.degraded.set(component, reason);
  }

  /** Clears what `markDegraded` set for `component`. */
  clearDegraded(component: string): void {
    this.degraded.delete(component);
  }

  /** Switches /health to `draining` (503) for good. */
  startDraining(): void {
    this.isDraining = true;
  }

  /** True once a drain began. */
  get draining(): boolean {
    return this.isDraining;
  }

  /** The current report. */
  report(): HealthReport {
    const report: HealthReport = {
      status: this.status(),
      activeCalls: this.activeCalls(),
      version: MEDIA_CORE_VERSION,
      uptimeS: Math.round((performance.now() - this.startedAtMs) / 1000),
    };
    if (this.degraded.size > 0) report.degraded = Object.fromEntries(this.degraded);

    return report;
  }

  /** HTTP status for the report: 503 while draining so readiness checks move traffic away. */
  httpStatus(): number {
    return this.isDraining ? 503 : 200;
  }

  private status(): HealthStatus {
    if (this.isDraining) return 'draining';

    return this.degraded.size > 0 ? 'degraded' : 'ok';
  }
}
