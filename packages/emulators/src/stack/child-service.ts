// One service of the stack as a child process of its real bin: output appended to a log
// file, stdout also split into lines for whoever needs to read it, a readiness wait that fails
// fast when the process dies, and an idempotent stop (SIGTERM, then SIGKILL after a grace).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

import { StackError } from './errors.js';

/** Options of ChildService.start. */
export interface ChildServiceOptions {
  /** Name used in messages and log lines (`control-api`). */
  name: string;
  /** The bin's script, run with this Node.js. */
  script: string;
  /** Arguments after the script. */
  args?: string[];
  /** The complete environment of the child. */
  env: NodeJS.ProcessEnv;
  /** File the child's stdout and stderr are appended to. */
  logPath: string;
  /** Resolves once the service answers; aborted when the child dies or the wait times out. */
  ready: (service: ChildService, signal: AbortSignal) => Promise<void>;
  /** How long `ready` may take, in ms. */
  readyTimeoutMs: number;
  /** How long a stop waits after SIGTERM before SIGKILL, in ms. */
  stopTimeoutMs: number;
}

/** Events of a ChildService. */
export interface ChildServiceEvents {
  /** One line the child wrote to stdout. */
  line: [line: string];
  /** The child exited; `expected` is false when nobody asked it to stop. */
  exit: [code: number | null, signal: NodeJS.Signals | null, expected: boolean];
}

/** Lines of the log shown when a service fails to start. */
const LOG_TAIL_LINES = 15;

/** A running child service. */
export class ChildService extends EventEmitter<ChildServiceEvents> {
  /** Name used in messages. */
  readonly name: string;
  /** Where its output goes. */
  readonly logPath: string;

  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #stopTimeoutMs: number;
  readonly #lines: string[] = [];
  readonly #exited: Promise<void>;
  #partial = '';
  #exitCode: number | null | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(options: ChildServiceOptions) {
    super();
    this.name = options.name;
    this.logPath = options.logPath;
    this.#stopTimeoutMs = options.stopTimeoutMs;

    mkdirSync(dirname(options.logPath), { recursive: true });
    this.#log = createWriteStream(options.logPath, { flags: 'a' });
    // Why detached: a Ctrl-C in the terminal reaches the whole process group; the stack
    // must be the one that stops its children, in order, so the media core can drain.
    this.#child = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    this.#child.stderr?.on('data', (chunk: Buffer) => this.#log.write(chunk));
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exitCode = code;
        this.emit('exit', code, signal, this.#stopping !== undefined);
        resolve();
      });
      this.#child.once('error', () => resolve());
    });
  }

  /** Starts the child and waits until it is ready; on failure it is stopped and rejects. */
  static async start(options: ChildServiceOptions): Promise<ChildService> {
    const service = new ChildService(options);
    try {
      await service.#waitReady(options);
    } catch (error) {
      await service.stop();
      throw error;
    }

    return service;
  }

  /** Process id of the child. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True until the child has exited. */
  get running(): boolean {
    return this.#exitCode === undefined && this.#child.exitCode === null;
  }

  /** Every stdout line so far. */
  lines(): readonly string[] {
    return this.#lines;
  }

  /** The last lines of its log file, for error messages. */
  logTail(lineCount = LOG_TAIL_LINES): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lineCount).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGTERM, then SIGKILL after the grace; resolves once it has exited. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#terminate();

    return this.#stopping;
  }

  /** Kills the child at once, without waiting (for process exit handlers). */
  killNow(): void {
    if (this.running) this.#child.kill('SIGKILL');
  }

  async #terminate(): Promise<void> {
    if (this.running) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.killNow(), this.#stopTimeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
  }

  async #waitReady(options: ChildServiceOptions): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.readyTimeoutMs);
    const died = this.#exited.then(() => {
      controller.abort();
      throw this.#startError(
        'STACK_START_FAILED',
        `exited with code ${String(this.#exitCode)} before it was ready`,
      );
    });
    died.catch(() => undefined);

    try {
      await Promise.race([options.ready(this, controller.signal), died]);
    } catch (error) {
      if (error instanceof StackError) throw error;
      if (!this.running) await died;
      const why = controller.signal.aborted
        ? `not ready after ${options.readyTimeoutMs} ms`
        : (error as Error).message;
      throw this.#startError('STACK_NOT_READY', why, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #startError(code: 'STACK_START_FAILED' | 'STACK_NOT_READY', why: string, cause?: unknown) {
    const tail = this.logTail();
    const message = `${this.name} ${why}; log: ${this.logPath}${tail ? `\n${tail}` : ''}`;

    return new StackError(code, message, this.name, { cause });
  }

  #onStdout(chunk: Buffer): void {
    this.#log.write(chunk);

    const text = this.#partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      this.#lines.push(line);
      this.emit('line', line);
    }
  }
}
