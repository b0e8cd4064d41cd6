// The API's Prometheus metrics, on a registry of its own (names the runbook's alerts read).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/types.js';

/** Every metric the control API exports. */
export interface ApiMetrics {
  /** The registry `/metrics` serves. */
  registry: Registry;
  /** `http_requests_total{method,route,status}`. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** `http_request_duration_seconds{method,route,status}`. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** `calls_total{direction,status}`: calls that reached a final status. */
  callsTotal: Counter<'direction' | 'status'>;
  /** `calls_failed_total{direction,status}`: busy, no-answer, failed, canceled. */
  callsFailed: Counter<'direction' | 'status'>;
  /** `asr_confidence_score`: recognition confidence of caller turns, 0..1. */
  asrConfidence: Histogram;
  /** `auth_failures_total{reason}`. */
  authFailures: Counter<'reason'>;
  /** `mongodb_up`: 1 when the store answers, whatever the store. */
  storeUp: Gauge;
}

/** Builds the registry; `mongodb_up` pings the store at each scrape. */
export function createMetrics(store: Store): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    callsTotal: new Counter({
      name: 'calls_total',
      help: 'Calls that reached a final status',
      labelNames: ['direction', 'status'],
      registers: [registry],
    }),
    callsFailed: new Counter({
      name: 'calls_failed_total',
      help: 'Calls that ended busy, unanswered, failed or canceled',
      labelNames: ['direction', 'status'],
      registers: [registry],
    }),
    asrConfidence: new Histogram({
      name: 'asr_confidence_score',
      help: 'Speech recognition confidence of caller turns (0..1)',
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'auth_failures_total',
      help: 'Refused authentications, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: 'mongodb_up',
      help: 'Whether the store answers (1) or not (0), whatever the store',
      registers: [registry],
      async collect() {
        this.set((await store.ping().catch(() => false)) ? 1 : 0);
      },
    }),
  };
}

/** Counts a call reaching its final status, once per call (the caller checks the transition). */
export function countFinishedCall(
  metrics: ApiMetrics,
  call: { direction: string; status: string },
): void {
  metrics.callsTotal.inc({ direction: call.direction, status: call.status });
  if (call.status !== 'completed') {
    metrics.callsFailed.inc({ direction: call.direction, status: call.status });
  }
}
