// Prometheus metrics of one media server. One Registry per server instance, so tests (and a
// benchmark) can run several servers in one process.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Resolution of the event-loop delay sampler, in ms. */
const EVENT_LOOP_RESOLUTION_MS = 10;

/**
 * Frame latency buckets, in seconds: the target is p99 under 5 ms, and the DSP tick alone puts
 * 0-20 ms on a frame, so the range to 50 ms is cut fine enough to read p50 and p99 honestly.
 */
const FRAME_LATENCY_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05,
  0.075, 0.1, 0.25,
];

/** The media server's metrics, registered on `registry`. */
export class MediaMetrics {
  /** The registry these metrics live on; `/metrics` renders it. */
  readonly registry: Registry;
  /** media_active_calls: open media streams. */
  readonly activeCalls: Gauge;
  /** media_frames_total{direction}: 20 ms frames received (in) and sent (out). */
  readonly frames: Counter<'direction'>;
  /** media_frames_total{direction="in"}, bound once: the per-frame path skips the label lookup. */
  readonly framesIn: Counter.Internal;
  /** media_frames_total{direction="out"}, bound once. */
  readonly framesOut: Counter.Internal;
  /** media_frame_latency_seconds: from a frame's arrival to its 16 kHz PCM being ready. */
  readonly frameLatency: Histogram;
  /** media_protocol_errors_total{kind}: refused messages, by ProtocolErrorKind. */
  readonly protocolErrors: Counter<'kind'>;
  /** media_connections{transport}: open WebSocket connections. */
  readonly connections: Gauge<'transport'>;
  /** media_upgrades_rejected_total{reason}: upgrades answered without a WebSocket. */
  readonly upgradesRejected: Counter<'reason'>;
  private readonly loopDelay: IntervalHistogram;
  private closed = false;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.activeCalls = new Gauge({
      name: 'media_active_calls',
      help: 'Open media streams (one per call)',
      registers: [registry],
    });
    this.frames = new Counter({
      name: 'media_frames_total',
      help: '20 ms audio frames, by direction (in: from Twilio, out: to Twilio)',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.framesIn = this.frames.labels('in');
    this.framesOut = this.frames.labels('out');
    this.frameLatency = new Histogram({
      name: 'media_frame_latency_seconds',
      help: 'Time from a frame arriving to its 16 kHz PCM being ready',
      buckets: FRAME_LATENCY_BUCKETS,
      registers: [registry],
    });
    this.protocolErrors = new Counter({
      name: 'media_protocol_errors_total',
      help: 'Messages refused by the Twilio protocol checks, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.connections = new Gauge({
      name: 'media_connections',
      help: 'Open WebSocket connections, by transport',
      labelNames: ['transport'],
      registers: [registry],
    });
    this.upgradesRejected = new Counter({
      name: 'media_upgrades_rejected_total',
      help: 'WebSocket upgrades refused before the handshake, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    this.loopDelay.enable();
    this.registerLoopDelay(registry);
  }

  /**
   * media_event_loop_delay_seconds{quantile}: delay of the event loop since the previous
   * scrape. Reset at each scrape so a spike shows in the scrape that follows it and then goes;
   * with several scrapers each sees only part of the window.
   */
  private registerLoopDelay(registry: Registry): void {
    const loopDelay = this.loopDelay;
    new Gauge({
      name: 'media_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape (quantiles 0.5, 0.99 and max)',
      labelNames: ['quantile'],
      registers: [registry],
      collect() {
        if (loopDelay.count === 0) return;

        this.set({ quantile: '0.5' }, loopDelay.percentile(50) / 1e9);
        this.set({ quantile: '0.99' }, loopDelay.percentile(99) / 1e9);
        this.set({ quantile: 'max' }, loopDelay.max / 1e9);
        loopDelay.reset();
      },
    });
  }

  /** Prometheus text exposition of every metric on the registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stops the event-loop sampler. Idempotent. */
  close(): void {
    if (this.closed) return;

    this.closed = true;
    this.loopDelay.disable();
  }
}
