// The media core's configuration, read from the environment once, at start.
import { availableParallelism } from 'node:os';

/** Which WebSocket server carries the streams. */
export type TransportName = 'uws' | 'ws';

/** pino levels accepted by LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the media server needs to start. */
export interface MediaConfig {
  /** MEDIA_PORT: TCP port to listen on (0 picks a free one). */
  port: number;
  /** MEDIA_HOST: address to bind (127.0.0.1 by default; 0.0.0.0 in containers). */
  host: string;
  /** MEDIA_TRANSPORT: uWebSockets.js (default) or ws. */
  transport: TransportName;
  /** MEDIA_PUBLIC_URL: the wss:// URL Twilio dials, when it differs from what the request shows. */
  publicUrl: string | undefined;
  /** TWILIO_AUTH_TOKEN: when set, every upgrade must carry a valid X-Twilio-Signature. */
  twilioAuthToken: string | undefined;
  /** MEDIA_MAX_CONNECTIONS: open streams allowed in total; more get 503 before the upgrade. */
  maxConnections: number;
  /** MEDIA_MAX_CONNECTIONS_PER_IP: open streams allowed per source address; more get 429. */
  maxConnectionsPerIp: number;
  /** MEDIA_IDLE_TIMEOUT_MS: a stream with no media for this long is closed. */
  idleTimeoutMs: number;
  /** DRAIN_TIMEOUT_MS: how long a drain lets active calls finish before closing them. */
  drainTimeoutMs: number;
  /** DSP_THREADS: worker threads of the DSP pool. */
  dspThreads: number;
  /** DSP_TICK_MS: the DSP pool's batch period, ms (default 20, one Twilio frame). */
  dspTickMs: number;
  /** CONTROL_API_URL: base URL of the control API. */
  controlApiUrl: string;
  /** CONTROL_SERVICE_TOKEN: bearer token for the control API, if it asks for one. */
  controlServiceToken: string | undefined;
  /** LOG_LEVEL: pino level. */
  logLevel: LogLevel;
  /** Largest WebSocket message accepted, in bytes; larger ones close the stream with 1009. */
  maxMessageBytes: number;
  /** NODE_ENV === 'production'. */
  production: boolean;
}

/** A configuration value broke its rule; raised at start, naming the variable. */
export class ConfigError extends Error {
  /** Stable error code. */
  readonly code = 'MEDIA_CONFIG_INVALID';
  /** The environment variable at fault. */
  readonly variable: string;

  constructor(variable: string, rule: string) {
    super(`${variable} ${rule}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Environment variables as process.env holds them. */
export type Env = Record<string, string | undefined>;

/** Reads and checks the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): MediaConfig {
  const production = env.NODE_ENV === 'production';
  const twilioAuthToken = optional(env, 'TWILIO_AUTH_TOKEN');
  if (production && twilioAuthToken === undefined) {
    throw new ConfigError('TWILIO_AUTH_TOKEN', 'is required when NODE_ENV=production');
  }

  return {
    port: integer(env, 'MEDIA_PORT', 8080, 0, 65_535),
    host: optional(env, 'MEDIA_HOST') ?? '127.0.0.1',
    transport: oneOf(env, 'MEDIA_TRANSPORT', ['uws', 'ws'] as const, 'uws'),
    publicUrl: url(env, 'MEDIA_PUBLIC_URL', ['wss:']),
    twilioAuthToken,
    maxConnections: integer(env, 'MEDIA_MAX_CONNECTIONS', 2000, 1, 1_000_000),
    maxConnectionsPerIp: integer(env, 'MEDIA_MAX_CONNECTIONS_PER_IP', 1000, 1, 1_000_000),
    idleTimeoutMs: integer(env, 'MEDIA_IDLE_TIMEOUT_MS', 15_000, 100, 3_600_000),
    drainTimeoutMs: integer(env, 'DRAIN_TIMEOUT_MS', 60_000, 0, 86_400_000),
    dspThreads: integer(env, 'DSP_THREADS', defaultDspThreads(), 1, 256),
    dspTickMs: integer(env, 'DSP_TICK_MS', 20, 1, 1000),
    controlApiUrl: url(env, 'CONTROL_API_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:3000',
    controlServiceToken: optional(env, 'CONTROL_SERVICE_TOKEN'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    maxMessageBytes: 64 * 1024,
    production,
  };
}

/** One core stays with the event loop; the rest run DSP. */
function defaultDspThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();

  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;

  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${text}")`);
  }

  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const text = optional(env, name);
  if (text === undefined) return fallback;

  if (!(allowed as readonly string[]).includes(text)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${text}")`);
  }

  return text as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const text = optional(env, name);
  if (text === undefined) return undefined;

  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(name, `must be an absolute URL (got "${text}")`);
  }

  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }

  return text;
}
