// The bench's side of the load generator: forks it, waits for its reports, and makes sure it
// is gone at the end whatever happened.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { GeneratorConfig, GeneratorReport } from './generator-protocol.js';

const GENERATOR_PATH = fileURLToPath(new URL('./generator.js', import.meta.url));

/** How long the generator gets to exit after SIGTERM before SIGKILL, ms. */
const KILL_GRACE_MS = 2000;

type ReportOf<T extends GeneratorReport['type']> = Extract<GeneratorReport, { type: T }>;

/** A running load generator process. */
export class GeneratorProcess {
  private readonly child: ChildProcess;
  private readonly reports: GeneratorReport[] = [];
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined;

  /** Forks the generator with `config`; it starts dialling at once. */
  constructor(config: GeneratorConfig) {
    this.child = fork(GENERATOR_PATH, [JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (report: GeneratorReport) => this.reports.push(report));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      });
    });
  }

  /** Its process id (for /proc readings). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts the measurement window. */
  measure(): void {
    this.child.send({ type: 'measure' });
  }

  /** Asks for the end of the run: stop every call, then the `done` report. */
  stop(): void {
    this.child.send({ type: 'stop' });
  }

  /** The first report of `type`; rejects if the process exits first or `timeoutMs` passes. */
  next<T extends GeneratorReport['type']>(type: T, timeoutMs: number): Promise<ReportOf<T>> {
    return new Promise((resolve, reject) => {
      const found = () => this.reports.find((report) => report.type === type);
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.child.off('message', check);
        this.child.off('exit', check);
        const report = found();
        if (error === undefined && report !== undefined) resolve(report as ReportOf<T>);
        else
          reject(
            error ?? new Error(`load generator exited (code ${this.exitCode}) before ${type}`),
          );
      };
      const check = () => {
        if (found() !== undefined) done();
        else if (this.exitCode !== undefined) done();
      };
      const timer = setTimeout(
        () => done(new Error(`load generator sent no ${type} within ${timeoutMs} ms`)),
        timeoutMs,
      );

      this.child.on('message', check);
      this.child.on('exit', check);
      check();
    });
  }

  /** Ends the process (SIGTERM, then SIGKILL after a grace period) and waits for it. */
  async kill(): Promise<void> {
    if (this.exitCode !== undefined) return;

    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
