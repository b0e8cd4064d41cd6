// The media core under test, as a child process on a free loopback port, configured through
// the environment like the bin, with its log read line by line for the bound port and each
// call's end-of-call summary.
import { fileURLToPath } from 'node:url';

import type { SessionSummary, TransportName } from '@voice-agent/media-core';

import { ChildServer, type LogEntry } from '../child-process.js';
import type { Pipeline } from './options.js';
import { parseExposition, type Scrape } from './prometheus.js';

/** The media server entry (see media-server-main.ts for why it is not the bin). */
const SERVER_PATH = fileURLToPath(new URL('./media-server-main.js', import.meta.url));

/** How long the server may take to listen, ms. */
const START_TIMEOUT_MS = 15_000;

/** How long the server gets to drain and exit after SIGTERM before SIGKILL, ms. */
const STOP_GRACE_MS = 5000;

/** What the bench sets on the server, besides what it inherits (DSP_THREADS, …). */
function serverEnv(transport: TransportName, pipeline: Pipeline): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOAD_BENCH_DSP: pipeline === 'full' ? 'on' : 'off',
    MEDIA_PORT: '0',
    MEDIA_HOST: '127.0.0.1',
    MEDIA_TRANSPORT: transport,
    // Every emulated call comes from 127.0.0.1: the per-address limit would cap the test.
    MEDIA_MAX_CONNECTIONS: '100000',
    MEDIA_MAX_CONNECTIONS_PER_IP: '100000',
    // `info` is the level the summaries are logged at; per-frame facts are never logged.
    LOG_LEVEL: 'info',
    DRAIN_TIMEOUT_MS: '2000',
    NODE_ENV: 'development',
  };
  // Unsigned upgrades: the generator does not sign, as a dev setup does not.
  delete env.TWILIO_AUTH_TOKEN;

  return env;
}

/** A running media core. */
export class MediaCoreProcess {
  /** The transport the server reports it runs (`ws` when uWebSockets.js did not load). */
  transportInUse: string | undefined;
  private summaries: SessionSummary[] = [];
  private summaryWaiter: (() => void) | undefined;
  private readonly childServer: ChildServer;

  private constructor(transport: TransportName, pipeline: Pipeline) {
    this.childServer = new ChildServer({
      name: 'media server',
      entryPath: SERVER_PATH,
      env: serverEnv(transport, pipeline),
      startTimeoutMs: START_TIMEOUT_MS,
      stopGraceMs: STOP_GRACE_MS,
      onLogEntry: (entry) => this.onLogEntry(entry),
    });
  }

  /** Messages of error- and fatal-level log lines (first 20). */
  get errorLines(): readonly string[] {
    return this.childServer.errorLines;
  }

  /** Process id (for /proc readings). */
  get pid(): number {
    return this.childServer.pid;
  }

  /**
   * Starts the server with `transport` and `pipeline` (default: full, with DSP); resolves with
   * it once it listens, and its port.
   */
  static async start(
    transport: TransportName,
    pipeline: Pipeline = 'full',
  ): Promise<{ server: MediaCoreProcess; port: number }> {
    const server = new MediaCoreProcess(transport, pipeline);

    try {
      const listening = await server.childServer.untilLog('media server listening', {
        accept: (entry) => entry.port !== undefined,
        event: 'listening',
      });
      server.transportInUse = listening.transport as string | undefined;

      return { server, port: listening.port as number };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** Takes the end-of-call summaries logged since the last call. */
  takeSummaries(): SessionSummary[] {
    const taken = this.summaries;
    this.summaries = [];

    return taken;
  }

  /** Resolves once `count` summaries are waiting, or after `timeoutMs` (whichever first). */
  async waitForSummaries(count: number, timeoutMs: number): Promise<void> {
    if (this.summaries.length >= count) return;

    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.summaryWaiter = () => {
        if (this.summaries.length >= count) finish();
      };
    });
    this.summaryWaiter = undefined;
  }

  /** Reads GET /metrics at `port`. */
  async scrape(port: number): Promise<Scrape> {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);

    return parseExposition(await response.text());
  }

  /** SIGTERM (the bin drains, then exits), SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void> {
    return this.childServer.stop();
  }

  private onLogEntry(entry: LogEntry): void {
    if (entry.msg === 'call ended' && entry.summary !== undefined) {
      this.summaries.push(entry.summary as SessionSummary);
      this.summaryWaiter?.();
    }
  }
}
