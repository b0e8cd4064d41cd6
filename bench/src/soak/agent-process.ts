// The voice agent under test as a child process (agent-main.ts) on a free port of 127.0.0.1,
// so its memory is its own: /proc for RSS, /metrics for the event loop and the open calls, the
// IPC channel for the V8 heap. Its JSON log is read line by line for the bound port, the
// prompt cache warm-up and error lines.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ChildServer } from '../child-process.js';
import { rssBytesFromStatus } from '../load/proc-stats.js';
import { parseExposition, type Scrape } from '../load/prometheus.js';
import { isMemoryReport, type MemoryReport, type MemoryRequest } from './agent-protocol.js';

/** The agent entry. */
const AGENT_PATH = fileURLToPath(new URL('./agent-main.js', import.meta.url));

/** How long the agent may take to listen, ms. */
const START_TIMEOUT_MS = 20_000;

/** How long an IPC memory answer may take, ms (a full collection of a large heap included). */
const MEMORY_TIMEOUT_MS = 10_000;

/** How long the agent gets to drain and exit after SIGTERM before SIGKILL, ms. */
const STOP_GRACE_MS = 8000;

/** What the bench sets on the agent, besides what it inherits and the peers' addresses. */
function agentEnv(peers: Record<string, string>, outboxDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...peers,
    MEDIA_PORT: '0',
    MEDIA_HOST: '127.0.0.1',
    OUTBOX_DIR: outboxDir,
    // `info`: the listening line and one line per call's lifecycle; never per frame.
    LOG_LEVEL: 'info',
    DRAIN_TIMEOUT_MS: '3000',
    NODE_ENV: 'development',
  };
  // Every provider is an emulator and upgrades are unsigned, as in a dev setup: credentials
  // in the bench's environment must not send soak traffic to a real provider.
  for (const name of [
    'TWILIO_AUTH_TOKEN',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'SARVAM_API_KEY',
    'OPENAI_API_KEY',
  ]) {
    delete env[name];
  }

  return env;
}

/** A running voice agent. */
export class AgentProcess {
  /** Port it listens on (0 until it does). */
  port = 0;
  private readonly childServer: ChildServer;
  private readonly memoryWaiters = new Map<number, (report: MemoryReport) => void>();
  private nextRequestId = 1;

  private constructor(peers: Record<string, string>, outboxDir: string) {
    this.childServer = new ChildServer({
      name: 'voice agent',
      entryPath: AGENT_PATH,
      execArgv: ['--expose-gc'],
      env: agentEnv(peers, outboxDir),
      startTimeoutMs: START_TIMEOUT_MS,
      stopGraceMs: STOP_GRACE_MS,
    });
    this.childServer.child.on('message', (message) => {
      if (isMemoryReport(message)) this.memoryWaiters.get(message.id)?.(message);
    });
  }

  /** Messages of error- and fatal-level log lines (first 20). */
  get errorLines(): readonly string[] {
    return this.childServer.errorLines;
  }

  /** Process id (for /proc). */
  get pid(): number {
    return this.childServer.pid;
  }

  /** Resolves when the process has exited, whoever stopped it. */
  whenExited(): Promise<void> {
    return this.childServer.whenExited();
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.childServer.hasExited;
  }

  /**
   * Starts the agent pointed at `peers` (environment), resolves once it listens and its fixed
   * prompts are synthesized, so the first calls do not pay for the warm-up.
   */
  static async start(peers: Record<string, string>, outboxDir: string): Promise<AgentProcess> {
    const agent = new AgentProcess(peers, outboxDir);

    try {
      const warmed = agent.childServer.untilLog('prompt cache warmed');
      // Awaited below; if listening fails first, its rejection must not go unhandled.
      warmed.catch(() => undefined);
      const listening = await agent.childServer.untilLog('media server listening');
      agent.port = Number(listening.port);
      await warmed;

      return agent;
    } catch (error) {
      await agent.stop();
      throw error;
    }
  }

  /** URL the caller emulator dials. */
  get mediaUrl(): string {
    return `ws://127.0.0.1:${this.port}/media`;
  }

  /** Resident set size from /proc/PID/status, bytes; throws when the process is gone. */
  rssBytes(): number {
    return rssBytesFromStatus(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
  }

  /** Reads GET /metrics. */
  async scrape(): Promise<Scrape> {
    const response = await fetch(`http://127.0.0.1:${this.port}/metrics`, {
      signal: AbortSignal.timeout(MEMORY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);

    return parseExposition(await response.text());
  }

  /** The agent's V8 memory over IPC, after a full collection when `collectGarbage`. */
  memory(collectGarbage = false): Promise<MemoryReport> {
    const id = this.nextRequestId++;
    const request: MemoryRequest = { type: 'memory', id, collectGarbage };

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.memoryWaiters.delete(id);
        reject(new Error(`the agent did not report its memory within ${MEMORY_TIMEOUT_MS} ms`));
      }, MEMORY_TIMEOUT_MS);
      this.memoryWaiters.set(id, (report) => {
        clearTimeout(timer);
        this.memoryWaiters.delete(id);
        resolve(report);
      });
      this.childServer.child.send(request, (error) => {
        if (error === null) return;

        clearTimeout(timer);
        this.memoryWaiters.delete(id);
        reject(error);
      });
    });
  }

  /** SIGTERM (the agent drains, then exits), SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void> {
    return this.childServer.stop();
  }

  /** Kills the agent at once (for process exit, where nothing can be awaited). */
  kill(): void {
    this.childServer.kill();
  }
}
