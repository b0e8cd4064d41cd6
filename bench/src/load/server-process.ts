// The media core under test, as a child process on a free loopback port, configured through
// the environment like the bin, with its log read line by line for the bound port and each
// call's end-of-call summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { SessionSummary, TransportName } from '@voice-agent/media-core';

import type { Pipeline } from './options.js';
import { parseExposition, type Scrape } from './prometheus.js';

/** The media server entry (see media-server-main.ts for why it is not the bin). */
const SERVER_PATH = fileURLToPath(new URL('./media-server-main.js', import.meta.url));

/** How long the server may take to listen, ms. */
const START_TIMEOUT_MS = 15_000;

/** How long the server gets to drain and exit after SIGTERM before SIGKILL, ms. */
const STOP_GRACE_MS = 5000;

/** Server log lines kept from stderr, for the error when it fails to start. */
const STDERR_LINES_KEPT = 20;

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
  /** Messages of error- and fatal-level log lines (first 20). */
  readonly errorLines: string[] = [];
  private summaries: SessionSummary[] = [];
  private summaryWaiter: (() => void) | undefined;
  private onListening: ((port: number) => void) | undefined;
  private readonly stderrTail: string[] = [];
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLogLine(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
    });
  }

  /** Process id (for /proc readings). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts the server with `transport` and `pipeline` (default: full, with DSP); resolves with
   * it once it listens, and its port.
   */
  static async start(
    transport: TransportName,
    pipeline: Pipeline = 'full',
  ): Promise<{ server: MediaCoreProcess; port: number }> {
    const child = spawn(process.execPath, [SERVER_PATH], {
      env: serverEnv(transport, pipeline),
      // The IPC channel carries nothing: it only lets the server notice the bench is gone.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const server = new MediaCoreProcess(child);

    try {
      return { server, port: await server.untilListening() };
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
    this.stopping ??= (async () => {
      if (this.exitCode !== undefined) return;

      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    })();

    return this.stopping;
  }

  /** The port from the `media server listening` log line; rejects on exit or timeout. */
  private untilListening(): Promise<number> {
    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        this.child.off('exit', exitedEarly);
        this.onListening = undefined;
      };
      const fail = (what: string) => {
        cleanUp();
        reject(new Error(`media server ${what}:\n${this.stderrTail.join('\n')}`));
      };
      const exitedEarly = () => fail(`exited (code ${this.exitCode}) before listening`);
      const timer = setTimeout(
        () => fail(`did not listen within ${START_TIMEOUT_MS} ms`),
        START_TIMEOUT_MS,
      );

      this.onListening = (port) => {
        cleanUp();
        resolve(port);
      };
      this.child.once('exit', exitedEarly);
    });
  }

  private onLogLine(line: string): void {
    let entry: {
      level?: number;
      msg?: string;
      port?: number;
      transport?: string;
      summary?: SessionSummary;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }

    if (entry.msg === 'media server listening' && entry.port !== undefined) {
      this.transportInUse = entry.transport;
      this.onListening?.(entry.port);
    }
    if (entry.msg === 'call ended' && entry.summary !== undefined) {
      this.summaries.push(entry.summary);
      this.summaryWaiter?.();
    }
    if ((entry.level ?? 0) >= 50 && this.errorLines.length < 20) {
      this.errorLines.push(entry.msg ?? line);
    }
  }
}
