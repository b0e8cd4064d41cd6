// The whole system on one machine: the provider emulators, the control API and the media core
// as child processes of their real bins, and the Twilio REST emulator in this process (its
// stream hook is where a simulated callee answers). Started in dependency order, each waited
// for; closed in reverse order, also on SIGINT/SIGTERM when asked.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startTwilioRestEmulator } from '../twilio-rest/server.js';
import type { StreamRequest, TwilioRestEmulator } from '../twilio-rest/types.js';
import { ChildService, type ChildServiceOptions } from './child-service.js';
import {
  EMULATORS_OF,
  PORT_VARIABLE_OF,
  emulatorUrls,
  parseEmulatorTable,
  type EmulatorTable,
} from './emulator-urls.js';
import { StackError } from './errors.js';
import { freePorts } from './free-port.js';
import { waitForHttpOk, waitForLines } from './health.js';
import {
  controlApiEnv,
  emulatorsEnv,
  inheritedEnv,
  mediaCoreEnv,
  providersWithoutCredentials,
  stackSecrets,
  type Provider,
  type StackPlan,
  type StackSecrets,
} from './stack-env.js';
import { binScript } from './workspace.js';

/** A service the stack runs as a child process. */
export type ServiceName = 'emulators' | 'control-api' | 'media-core';

/** Options of startLocalStack. */
export interface LocalStackOptions {
  /**
   * True (default): ignore the user's configuration: every provider emulated, SQLite in
   * `dataDir`, free ports. False (`npm start`): the environment configures everything, and
   * only providers without credentials are emulated.
   */
  isolated?: boolean;
  /** SQLite and outbox folder; default a new temporary folder (isolated, removed on close)
   *  or ./data. */
  dataDir?: string;
  /** Folder of the services' log files; default ./data/logs. */
  logsDir?: string;
  /** Control API port; default a free one (isolated) or CONTROL_API_PORT/3000. */
  controlApiPort?: number;
  /** Media core port; default a free one (isolated) or MEDIA_PORT/8080. */
  mediaPort?: number;
  /** Answers emulated Twilio calls' `<Connect><Stream>`; default: the call ends at once. */
  onStream?: (stream: StreamRequest) => Promise<void>;
  /** Extra variables per service (latency knobs, barge-in tunables…), applied last. */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** pino level of the services; default info. */
  logLevel?: string;
  /** Close the stack and exit on SIGINT/SIGTERM; default false. */
  handleSignals?: boolean;
  /** How long each service may take to become ready, in ms; default 30000. */
  readyTimeoutMs?: number;
  /** Environment to inherit (default process.env). */
  parentEnv?: NodeJS.ProcessEnv;
}

/** Events of a LocalStack. */
export interface LocalStackEvents {
  /** A service exited without being asked to: the stack is broken. */
  serviceExit: [name: ServiceName, code: number | null, logPath: string];
}

/** A running stack. */
export interface LocalStack extends EventEmitter<LocalStackEvents> {
  /** `http://127.0.0.1:PORT` of the control API. */
  readonly controlApiUrl: string;
  /** `ws://127.0.0.1:PORT/media` of the media core. */
  readonly mediaUrl: string;
  /** `http://127.0.0.1:PORT` of the media core (/health, /metrics). */
  readonly mediaHttpUrl: string;
  /** URLs each provider emulator printed (`url`, `admin`), by emulator name. */
  readonly emulators: EmulatorTable;
  /** The Twilio REST emulator, when Twilio is emulated. */
  readonly twilio: TwilioRestEmulator | undefined;
  /** Shared secrets (Twilio account and token, service token). */
  readonly secrets: StackSecrets;
  /** Providers running on emulators. */
  readonly emulated: readonly Provider[];
  /** SQLite and outbox folder. */
  readonly dataDir: string;
  /** Log files folder. */
  readonly logsDir: string;
  /** The environment of the stack's services (for one-shot bins such as voice-admin). */
  readonly controlApiEnv: NodeJS.ProcessEnv;
  /** Log file of a service. */
  logPath(name: ServiceName): string;
  /** Process id of a service, while it runs. */
  pid(name: ServiceName): number | undefined;
  /** Stops one service (SIGTERM; the media core drains). */
  stop(name: ServiceName): Promise<void>;
  /** Starts a stopped service again, with the same environment and port. */
  start(name: ServiceName): Promise<void>;
  /** Stops everything, media core first; idempotent. */
  close(): Promise<void>;
}

/** Grace after SIGTERM before SIGKILL, in ms, on top of the media core's drain time-out. */
const STOP_TIMEOUT_MS = 8000;

/** Starts the stack; on any failure, what was started is stopped and the error names it. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stack = new Stack(await planStack(options), options);
  try {
    await stack.startAll();
  } catch (error) {
    await stack.close();
    throw error;
  }

  return stack;
}

/** Fixes ports, folders, secrets and emulated providers before anything starts. */
async function planStack(options: LocalStackOptions): Promise<StackPlan> {
  const parentEnv = options.parentEnv ?? process.env;
  const isolated = options.isolated ?? true;
  const emulated = isolated ? ['google', 'sarvam', 'openai', 'twilio'] : undefined;
  const providers = (emulated ?? providersWithoutCredentials(parentEnv)) as Provider[];
  const variables = isolated ? Object.values(PORT_VARIABLE_OF) : [];
  const ports = await freePorts(variables.length + 2);
  const emulatorPorts = Object.fromEntries(variables.map((name, i) => [name, ports[i] ?? 0]));

  return {
    baseEnv: inheritedEnv(parentEnv, isolated),
    isolated,
    emulated: providers,
    secrets: stackSecrets(isolated ? {} : parentEnv, providers),
    controlApiPort:
      options.controlApiPort ??
      (isolated ? ports.at(-2) : undefined) ??
      envPort(parentEnv.CONTROL_API_PORT, 3000),
    mediaPort:
      options.mediaPort ??
      (isolated ? ports.at(-1) : undefined) ??
      envPort(parentEnv.MEDIA_PORT, 8080),
    emulatorPorts,
    twilioApiBaseUrl: undefined,
    dataDir: resolve(
      options.dataDir ?? (isolated ? mkdtempSync(join(tmpdir(), 'voice-stack-')) : 'data'),
    ),
    logLevel: options.logLevel ?? 'info',
  };
}

/** A port variable of the environment, or the documented default. */
function envPort(text: string | undefined, fallback: number): number {
  return text === undefined || text === '' ? fallback : Number(text);
}

class Stack extends EventEmitter<LocalStackEvents> implements LocalStack {
  readonly controlApiUrl: string;
  readonly mediaUrl: string;
  readonly mediaHttpUrl: string;
  readonly secrets: StackSecrets;
  readonly emulated: readonly Provider[];
  readonly dataDir: string;
  readonly logsDir: string;
  emulators: EmulatorTable = {};
  twilio: TwilioRestEmulator | undefined;
  controlApiEnv: NodeJS.ProcessEnv = {};

  readonly #plan: StackPlan;
  readonly #options: LocalStackOptions;
  readonly #services = new Map<ServiceName, ChildService>();
  readonly #specs = new Map<ServiceName, ChildServiceOptions>();
  readonly #ownsDataDir: boolean;
  readonly #onSignal = (signal: NodeJS.Signals) => this.#signalled(signal);
  readonly #onExit = () => this.#killAll();
  #closing: Promise<void> | undefined;

  constructor(plan: StackPlan, options: LocalStackOptions) {
    super();
    this.#plan = plan;
    this.#options = options;
    this.#ownsDataDir = plan.isolated && options.dataDir === undefined;
    this.controlApiUrl = `http://127.0.0.1:${plan.controlApiPort}`;
    this.mediaUrl = `ws://127.0.0.1:${plan.mediaPort}/media`;
    this.mediaHttpUrl = `http://127.0.0.1:${plan.mediaPort}`;
    this.secrets = plan.secrets;
    this.emulated = plan.emulated;
    this.dataDir = plan.dataDir;
    this.logsDir = resolve(options.logsDir ?? join('data', 'logs'));

    // Children are detached (see ChildService); if this process exits without closing the
    // stack, they are killed here rather than left running.
    process.on('exit', this.#onExit);
    if (options.handleSignals)
      process.once('SIGINT', this.#onSignal).once('SIGTERM', this.#onSignal);
  }

  logPath(name: ServiceName): string {
    return join(this.logsDir, `${name}.log`);
  }

  pid(name: ServiceName): number | undefined {
    const service = this.#services.get(name);

    return service?.running ? service.pid : undefined;
  }

  /** Emulators, then Twilio (in process), then the control API, then the media core. */
  async startAll(): Promise<void> {
    if (this.emulated.some((provider) => provider !== 'twilio')) {
      await this.#startEmulators();
    }
    if (this.emulated.includes('twilio')) await this.#startTwilio();

    this.controlApiEnv = this.#withExtra('control-api', controlApiEnv(this.#plan));
    const apiSpec = this.#spec('control-api', 'voice-control-api', this.controlApiEnv);
    this.#specs.set('control-api', apiSpec);
    await this.start('control-api');

    const mediaEnv = mediaCoreEnv(this.#plan, emulatorUrls(this.emulators));
    this.#specs.set('media-core', this.#spec('media-core', 'voice-media-core', mediaEnv));
    await this.start('media-core');
  }

  async start(name: ServiceName): Promise<void> {
    const spec = this.#specs.get(name);
    if (spec === undefined) throw new StackError('STACK_START_FAILED', `no service ${name}`, name);
    if (this.#services.get(name)?.running) return;

    const service = await ChildService.start(spec);
    service.on('exit', (code, _signal, expected) => {
      if (!expected) this.emit('serviceExit', name, code, service.logPath);
    });
    this.#services.set(name, service);
  }

  async stop(name: ServiceName): Promise<void> {
    await this.#services.get(name)?.stop();
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeAll();

    return this.#closing;
  }

  async #startEmulators(): Promise<void> {
    const expected = this.emulated.flatMap((provider) =>
      provider === 'twilio' ? [] : EMULATORS_OF[provider],
    );
    const env = this.#withExtra('emulators', emulatorsEnv(this.#plan));
    const spec = this.#spec('emulators', 'voice-emulators', env);
    spec.ready = (service, signal) =>
      waitForLines(
        service,
        (lines) => expected.every((name) => parseEmulatorTable(lines)[name] !== undefined),
        signal,
      );
    this.#specs.set('emulators', spec);
    await this.start('emulators');

    this.emulators = parseEmulatorTable(this.#services.get('emulators')?.lines() ?? []);
  }

  async #startTwilio(): Promise<void> {
    this.twilio = await startTwilioRestEmulator({
      accountSid: this.secrets.accountSid,
      authToken: this.secrets.authToken,
      onStream: this.#options.onStream,
    });
    this.#plan.twilioApiBaseUrl = this.twilio.baseUrl;
  }

  #spec(name: ServiceName, bin: string, env: NodeJS.ProcessEnv): ChildServiceOptions {
    const packageName = name === 'emulators' ? '@voice-agent/emulators' : `@voice-agent/${name}`;
    const healthUrl =
      name === 'control-api' ? `${this.controlApiUrl}/health` : `${this.mediaHttpUrl}/health`;

    return {
      name,
      script: binScript(packageName, bin),
      env,
      logPath: this.logPath(name),
      ready: (_service, signal) => waitForHttpOk(healthUrl, signal),
      readyTimeoutMs: this.#options.readyTimeoutMs ?? 30_000,
      // The media core may drain for DRAIN_TIMEOUT_MS before it exits: never cut that short.
      stopTimeoutMs:
        STOP_TIMEOUT_MS + Number(name === 'media-core' ? (env.DRAIN_TIMEOUT_MS ?? 60_000) : 0),
    };
  }

  #withExtra(name: ServiceName, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...env, ...this.#options.env?.[name] };
  }

  async #closeAll(): Promise<void> {
    process.off('SIGINT', this.#onSignal).off('SIGTERM', this.#onSignal);

    // The media core first: it drains its calls and flushes its outbox to the control API.
    await this.stop('media-core');
    await this.twilio?.close();
    await this.stop('control-api');
    await this.stop('emulators');
    process.off('exit', this.#onExit);
    if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  #signalled(signal: NodeJS.Signals): void {
    const code = signal === 'SIGINT' ? 130 : 143;
    void this.close().finally(() => process.exit(code));
  }

  #killAll(): void {
    for (const service of this.#services.values()) service.killNow();
  }
}
