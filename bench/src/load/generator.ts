// The load generator: a process of its own (forked by the bench) that holds N emulated Twilio
// calls against the media core, paced in real time, and reports how well it kept the pace.
// Run as `node generator.js CONFIG_JSON` with an IPC channel; see generator-protocol.ts.
import { EmulatedCall } from './emulated-call.js';
import type {
  GeneratorCommand,
  GeneratorConfig,
  GeneratorReport,
  SendStats,
} from './generator-protocol.js';
import { LagHistogram } from './lag-histogram.js';
import { FRAME_MS, loadFramePayloads } from './twilio-frames.js';

/**
 * How often the scheduler wakes, ms. Every call's frames fall due on its own phase (calls are
 * dialled over the ramp), so a short period keeps the send lag near the timer's resolution
 * while one timer serves all calls.
 */
const PUMP_MS = 2;

/** Most frames one call may catch up in one wake, so a stalled generator cannot spin. */
const MAX_CATCH_UP_FRAMES = 50;

/** How long stopped calls get to close before their sockets are dropped, ms. */
const TEARDOWN_TIMEOUT_MS = 5000;

/** A prime stride through the fixture, so no two calls play the same audio at once. */
const FIXTURE_STRIDE_FRAMES = 7919;

class LoadGenerator {
  private readonly calls: EmulatedCall[] = [];
  private readonly lag = new LagHistogram();
  private readonly failures = new Set<string>();
  private readonly earlyCloses = new Set<string>();
  private settled = 0;
  private failed = 0;
  private closedEarly = 0;
  private open = 0;
  private totalFramesSent = 0;
  private windowFramesSent = 0;
  private lateSends = 0;
  private maxBufferedBytes = 0;
  private windowStartMs = performance.now();
  private pump: NodeJS.Timeout | undefined;
  private teardown: (() => void) | undefined;

  constructor(
    private readonly config: GeneratorConfig,
    private readonly payloads: readonly string[],
    private readonly report: (message: GeneratorReport) => Promise<void>,
  ) {}

  /** Dials every call over the ramp and starts the scheduler. */
  start(): void {
    this.pump = setInterval(() => this.sendDueFrames(), PUMP_MS);
    const gapMs = this.config.calls > 1 ? this.config.rampMs / (this.config.calls - 1) : 0;
    for (let index = 0; index < this.config.calls; index++) {
      setTimeout(() => this.dial(index), index * gapMs);
    }
  }

  /** Starts the measurement window: send statistics count from now. */
  measure(): void {
    this.lag.reset();
    this.windowFramesSent = 0;
    this.lateSends = 0;
    this.maxBufferedBytes = 0;
    this.windowStartMs = performance.now();
  }

  /** Ends the window, stops every call, waits for the sockets to close, reports `done`. */
  async stop(): Promise<void> {
    const window = this.windowStats();
    clearInterval(this.pump);

    await this.closeAll();
    await this.report({
      type: 'done',
      window,
      totalFramesSent: this.totalFramesSent,
      closedEarly: this.closedEarly,
      earlyCloses: [...this.earlyCloses],
    });
  }

  private dial(index: number): void {
    const offset = (index * FIXTURE_STRIDE_FRAMES) % this.payloads.length;
    const call = new EmulatedCall(
      this.config.url,
      this.config.connectTimeoutMs,
      this.payloads,
      offset,
      {
        onStreaming: () => {
          this.open++;
          this.settle();
        },
        onFailed: (reason) => {
          this.failed++;
          if (this.failures.size < 5) this.failures.add(reason);
          this.settle();
        },
        onClosed: (early, code, reason) => {
          this.open--;
          if (early) this.closedEarly++;
          if (early && this.earlyCloses.size < 5) this.earlyCloses.add(`${code} ${reason}`);
          if (this.open === 0) this.teardown?.();
        },
      },
    );
    this.calls.push(call);
  }

  /** Once every call is up or failed, streams `warmupMs` more, then reports `ready`. */
  private settle(): void {
    this.settled++;
    if (this.settled < this.config.calls) return;

    setTimeout(() => {
      void this.report({
        type: 'ready',
        connected: this.open,
        failed: this.failed,
        failures: [...this.failures],
      });
    }, this.config.warmupMs);
  }

  private sendDueFrames(): void {
    const nowMs = performance.now();
    let bufferedBytes = 0;
    for (const call of this.calls) {
      for (let sent = 0; call.nextDueMs <= nowMs && sent < MAX_CATCH_UP_FRAMES; sent++) {
        const lagMs = call.sendFrame(nowMs);
        this.lag.record(lagMs);
        if (lagMs > FRAME_MS) this.lateSends++;
        this.windowFramesSent++;
        this.totalFramesSent++;
      }
      bufferedBytes += call.bufferedBytes;
    }
    this.maxBufferedBytes = Math.max(this.maxBufferedBytes, bufferedBytes);
  }

  private windowStats(): SendStats {
    return {
      windowMs: performance.now() - this.windowStartMs,
      framesSent: this.windowFramesSent,
      lateSends: this.lateSends,
      lagP50Ms: this.lag.quantileMs(0.5),
      lagP99Ms: this.lag.quantileMs(0.99),
      lagMaxMs: this.lag.maxLagMs,
      maxBufferedBytes: this.maxBufferedBytes,
    };
  }

  private closeAll(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const call of this.calls) call.terminate();
        resolve();
      }, TEARDOWN_TIMEOUT_MS);
      this.teardown = () => {
        clearTimeout(timer);
        resolve();
      };

      for (const call of this.calls) call.stop();
      if (this.open === 0) this.teardown();
    });
  }
}

function main(): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('the load generator must be forked with an IPC channel');

  const config = JSON.parse(process.argv[2] ?? '') as GeneratorConfig;
  // Resolves once the message is handed to the channel, so `done` is out before disconnecting.
  const report = (message: GeneratorReport) =>
    new Promise<void>((resolve) => send(message, undefined, undefined, () => resolve()));
  const generator = new LoadGenerator(config, loadFramePayloads(config.fixturePath), report);

  process.on('message', (command: GeneratorCommand) => {
    if (command.type === 'measure') generator.measure();
    if (command.type === 'stop') {
      void generator.stop().then(() => process.disconnect());
    }
  });
  // The bench going away (crash, Ctrl-C) must not leave calls running.
  process.on('disconnect', () => process.exit(0));

  generator.start();
}

main();
