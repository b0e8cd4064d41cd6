// Environment → typed configuration. Production refuses to start without its secrets; the
// embedded default runs without them and says once, at start, what it defaulted.

/** Where records live. */
export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'mongodb'; uri: string };

/** Everything the control API reads from its environment. */
export interface ControlApiConfig {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Listening port (`CONTROL_API_PORT`, 3000). */
  port: number;
  /** Listening host (`CONTROL_API_HOST`, 127.0.0.1; containers set 0.0.0.0). */
  host: string;
  /** The API's public URL, used in Twilio URLs and to check webhook signatures; when unset,
   *  the address the server listens on. */
  publicBaseUrl: string | undefined;
  /** Store selection (`MONGODB_URI`, else SQLite at `SQLITE_PATH`). */
  store: StoreConfig;
  /** HMAC key for access and refresh tokens. */
  jwtSecret: string;
  /** Access-token lifetime in seconds. */
  accessTokenTtlS: number;
  /** Refresh-token lifetime in seconds. */
  refreshTokenTtlS: number;
  /** bcrypt cost factor (`BCRYPT_COST`, 12; tests use 4). */
  bcryptCost: number;
  /** Bearer token the media core presents on `/internal/v1`. */
  serviceToken: string;
  /** Twilio REST and webhook settings. */
  twilio: {
    /** `TWILIO_API_BASE_URL`, default `https://api.twilio.com`. */
    apiBaseUrl: string;
    /** `TWILIO_ACCOUNT_SID`. */
    accountSid: string;
    /** `TWILIO_AUTH_TOKEN`; when unset, webhook signatures are not checked. */
    authToken: string | undefined;
    /** Caller id for outbound calls (`TWILIO_FROM_NUMBER`). */
    fromNumber: string;
    /** Request time-out towards Twilio, in milliseconds. */
    timeoutMs: number;
  };
  /** `wss://…/media` URL put in the stream TwiML (`MEDIA_PUBLIC_URL`). */
  mediaPublicUrl: string;
  /** Hand-off target: an E.164 agent number (`HANDOFF_AGENT_NUMBER`) or a queue name. */
  handoff: { agentNumber: string | undefined; queue: string | undefined };
  /** Outbound calls are placed only inside this local-time window (`CALLING_WINDOW`). */
  callingWindow: { startMinute: number; endMinute: number };
  /** Time zone for leads without their own (`DEFAULT_TIME_ZONE`, Asia/Kolkata). */
  defaultTimeZone: string;
  /** Country calling code for national numbers (`DEFAULT_COUNTRY_CODE`, 91). */
  defaultCountryCode: string;
  /** Gupshup-style notification provider. */
  notify: {
    /** `NOTIFY_API_BASE_URL`, default `https://api.gupshup.io`. */
    apiBaseUrl: string;
    /** `NOTIFY_API_KEY`; when unset, notifications are recorded as skipped. */
    apiKey: string | undefined;
    /** Sender id / number (`NOTIFY_SOURCE`). */
    source: string;
    /** WhatsApp template id of the document checklist (`NOTIFY_CHECKLIST_TEMPLATE`). */
    checklistTemplate: string;
    /** Attempts per message, first included. */
    maxAttempts: number;
    /** First retry delay in milliseconds; doubles per attempt. */
    baseDelayMs: number;
  };
  /** `CORS_ORIGINS`, comma-separated; empty: no cross-origin access. */
  corsOrigins: string[];
  /** Requests per minute per client on `/api` (`RATE_LIMIT_PER_MINUTE`, 600). */
  rateLimitPerMinute: number;
  /** Login attempts per minute per client (`LOGIN_RATE_LIMIT_PER_MINUTE`, 10). */
  loginRateLimitPerMinute: number;
  /** Largest JSON body in bytes (`BODY_LIMIT_BYTES`, 1 MiB). */
  bodyLimitBytes: number;
  /** Largest CSV import in bytes (`CSV_LIMIT_BYTES`, 10 MiB). */
  csvLimitBytes: number;
  /** `LOG_LEVEL`, info. */
  logLevel: string;
  /** What the embedded default filled in, said once at start. */
  defaulted: string[];
}

/** A configuration problem, naming the variable and the rule. */
export class ConfigError extends Error {
  /** Stable code. */
  readonly code = 'invalid_config';
}

/** The dev service token used when `CONTROL_SERVICE_TOKEN` is unset outside production. */
export const DEV_SERVICE_TOKEN = 'dev-service-token';

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }

  return value;
}

/** Parses `HH:MM-HH:MM` into minutes after local midnight. */
export function parseCallingWindow(raw: string): { startMinute: number; endMinute: number } {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(raw.trim());
  if (!match) throw new ConfigError(`CALLING_WINDOW must look like 09:00-21:00, got "${raw}"`);

  const [startH, startM, endH, endM] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const startMinute = startH * 60 + startM;
  const endMinute = endH * 60 + endM;
  if (startH > 23 || endH > 24 || startM > 59 || endM > 59 || endMinute > 24 * 60) {
    throw new ConfigError(`CALLING_WINDOW has an impossible time: "${raw}"`);
  }

  return { startMinute, endMinute };
}

function checkTimeZone(name: string, zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError(`${name} is not a known IANA time zone: "${zone}"`);
  }

  return zone;
}

/** Secrets production must be given; the embedded default fills them in and says so. */
const REQUIRED_IN_PRODUCTION = [
  'JWT_SECRET_KEY',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'CONTROL_SERVICE_TOKEN',
  'PUBLIC_BASE_URL',
  'MEDIA_PUBLIC_URL',
] as const;

function secretOrDefault(env: Env, name: string, fallback: string, defaulted: string[]): string {
  const value = env[name];
  if (value) return value;

  defaulted.push(`${name} unset: using a development value`);
  return fallback;
}

/** Reads the configuration from an environment (default `process.env`). */
export function loadConfig(env: Env = process.env): ControlApiConfig {
  const production = env['NODE_ENV'] === 'production';
  const missing = REQUIRED_IN_PRODUCTION.filter((name) => !env[name]);
  if (production && missing.length > 0) {
    throw new ConfigError(`production needs ${missing.join(', ')}`);
  }

  const defaulted: string[] = [];
  const port = integer(env, 'CONTROL_API_PORT', 3000, 0, 65535);
  const store: StoreConfig = env['MONGODB_URI']
    ? { kind: 'mongodb', uri: env['MONGODB_URI'] }
    : { kind: 'sqlite', path: env['SQLITE_PATH'] ?? './data/voice-agent.db' };
  if (store.kind === 'sqlite') defaulted.push(`MONGODB_URI unset: SQLite store at ${store.path}`);

  const authToken = env['TWILIO_AUTH_TOKEN'] || undefined;
  if (!authToken) defaulted.push('TWILIO_AUTH_TOKEN unset: webhook signatures are not checked');

  const apiBaseUrl = env['TWILIO_API_BASE_URL'] ?? 'https://api.twilio.com';
  const notifyKey = env['NOTIFY_API_KEY'] || undefined;
  if (!notifyKey) defaulted.push('NOTIFY_API_KEY unset: notifications are recorded as skipped');

  return {
    production,
    port,
    host: env['CONTROL_API_HOST'] ?? '127.0.0.1',
    publicBaseUrl: env['PUBLIC_BASE_URL']?.replace(/\/+$/, '') || undefined,
    store,
    jwtSecret: secretOrDefault(
      env,
      'JWT_SECRET_KEY',
      'dev-jwt-secret-not-for-production',
      defaulted,
    ),
    accessTokenTtlS: integer(env, 'ACCESS_TOKEN_TTL_S', 900, 10, 86_400),
    refreshTokenTtlS: integer(env, 'REFRESH_TOKEN_TTL_S', 7 * 86_400, 60, 90 * 86_400),
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 15),
    serviceToken: secretOrDefault(env, 'CONTROL_SERVICE_TOKEN', DEV_SERVICE_TOKEN, defaulted),
    twilio: {
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
      accountSid: secretOrDefault(
        env,
        'TWILIO_ACCOUNT_SID',
        'AC00000000000000000000000000000000',
        defaulted,
      ),
      authToken,
      fromNumber: env['TWILIO_FROM_NUMBER'] ?? '+15005550006',
      timeoutMs: integer(env, 'TWILIO_TIMEOUT_MS', 10_000, 100, 120_000),
    },
    mediaPublicUrl: env['MEDIA_PUBLIC_URL'] ?? 'ws://127.0.0.1:8080/media',
    handoff: {
      agentNumber: env['HANDOFF_AGENT_NUMBER'] || undefined,
      queue: env['HANDOFF_QUEUE'] || (env['HANDOFF_AGENT_NUMBER'] ? undefined : 'agents'),
    },
    callingWindow: parseCallingWindow(env['CALLING_WINDOW'] ?? '09:00-21:00'),
    defaultTimeZone: checkTimeZone('DEFAULT_TIME_ZONE', env['DEFAULT_TIME_ZONE'] ?? 'Asia/Kolkata'),
    defaultCountryCode: env['DEFAULT_COUNTRY_CODE'] ?? '91',
    notify: {
      apiBaseUrl: (env['NOTIFY_API_BASE_URL'] ?? 'https://api.gupshup.io').replace(/\/+$/, ''),
      apiKey: notifyKey,
      source: env['NOTIFY_SOURCE'] ?? '917834811114',
      checklistTemplate: env['NOTIFY_CHECKLIST_TEMPLATE'] ?? 'loan_document_checklist',
      maxAttempts: integer(env, 'NOTIFY_MAX_ATTEMPTS', 4, 1, 10),
      baseDelayMs: integer(env, 'NOTIFY_BASE_DELAY_MS', 250, 1, 60_000),
    },
    corsOrigins: (env['CORS_ORIGINS'] ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 10_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    csvLimitBytes: integer(env, 'CSV_LIMIT_BYTES', 10 * 1024 * 1024, 1024, 500 * 1024 * 1024),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    defaulted,
  };
}
