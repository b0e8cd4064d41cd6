// A server under test as a child Node process: spawned with an IPC channel, its JSON (pino) log
// read line by line, waited on until it logs a given line, stopped with SIGTERM then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Log lines kept from stderr, and error lines kept from the log. */
const LINES_KEPT = 20;

/** pino's level number for `error`. */
const PINO_ERROR = 50;

/** A parsed pino log line; the fields besides level and msg are the logger's. */
export interface LogEntry {
  /** pino level number (50 is error). */
  level?: number;
  /** The static message. */
  msg?: string;
  /** Any other field of the line. */
  [field: string]: unknown;
}

/** How to start and stop one child server. */
export interface ChildServerOptions {
  /** Name in errors, e.g. `media server`. */
  name: string;
  /** Script to run with this Node binary. */
  entryPath: string;
  /** Node flags before the script, e.g. `--expose-gc`. */
  execArgv?: string[];
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** How long a wait for a log line may take, ms. */
  startTimeoutMs: number;
  /** How long the child gets to drain and exit after SIGTERM before SIGKILL, ms. */
  stopGraceMs: number;
  /** Called with every log line that parses as JSON. */
  onLogEntry?: (entry: LogEntry) => void;
}

/** What a wait for a log line takes. */
export interface LogWait {
  /** Takes or passes over a line with the awaited message (default: takes every one). */
  accept?: (entry: LogEntry) => boolean;
  /** What is awaited, in errors, e.g. `listening` (default: the message in quotes). */
  event?: string;
}

/** A running child server. */
export class ChildServer {
  /** The child itself (for IPC messages). */
  readonly child: ChildProcess;
  /** Messages of error- and fatal-level log lines (first 20). */
  readonly errorLines: string[] = [];
  private readonly stderrTail: string[] = [];
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined;
  private stopping: Promise<void> | undefined;
  private readonly logWaiters = new Map<string, (entry: LogEntry) => void>();

  /** Spawns the child; its stdout is the log, its stderr kept for errors. */
  constructor(private readonly options: ChildServerOptions) {
    // The IPC channel also lets the child notice the bench is gone.
    this.child = spawn(process.execPath, [...(options.execArgv ?? []), options.entryPath], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLogLine(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > LINES_KEPT) this.stderrTail.shift();
    });
  }

  /** Process id (for /proc readings). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Resolves when the process has exited, whoever stopped it. */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /**
   * The first log line whose message is `msg` and that `wait.accept` takes (any, by default);
   * rejects on exit or after the start timeout, naming `wait.event` (default: the message).
   */
  untilLog(msg: string, wait: LogWait = {}): Promise<LogEntry> {
    const { name, startTimeoutMs } = this.options;
    const event = wait.event ?? `"${msg}"`;

    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        this.child.off('exit', exitedEarly);
        this.logWaiters.delete(msg);
      };
      const fail = (what: string) => {
        cleanUp();
        reject(new Error(`${name} ${what}:\n${this.stderrTail.join('\n')}`));
      };
      const exitedEarly = () => fail(`exited (code ${this.exitCode}) before ${event}`);
      const timer = setTimeout(
        () => fail(`timed out (${startTimeoutMs} ms) before ${event}`),
        startTimeoutMs,
      );

      this.logWaiters.set(msg, (entry) => {
        if (wait.accept !== undefined && !wait.accept(entry)) return;

        cleanUp();
        resolve(entry);
      });
      this.child.once('exit', exitedEarly);
    });
  }

  /** SIGTERM (the server drains, then exits), SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitCode !== undefined) return;

      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), this.options.stopGraceMs);
      await this.exited;
      clearTimeout(timer);
    })();

    return this.stopping;
  }

  /** Kills the child at once (for process exit, where nothing can be awaited). */
  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  private onLogLine(line: string): void {
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      return;
    }

    if (entry.msg !== undefined) this.logWaiters.get(entry.msg)?.(entry);
    this.options.onLogEntry?.(entry);
    if ((entry.level ?? 0) >= PINO_ERROR && this.errorLines.length < LINES_KEPT) {
      this.errorLines.push(entry.msg ?? line);
    }
  }
}
