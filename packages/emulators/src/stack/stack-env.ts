// The environment each service of the stack starts with: where the others listen, the shared
// secrets, and which providers are emulated. Names are the ones DESIGN.md and each bin read.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A provider the stack can stand in for with an emulator. */
export type Provider = 'google' | 'sarvam' | 'openai' | 'twilio';

/** Every provider, in the order they are reported. */
export const PROVIDERS: readonly Provider[] = ['google', 'sarvam', 'openai', 'twilio'];

/** Secrets shared between the services (and with the emulators, which check them). */
export interface StackSecrets {
  /** Twilio account SID ("AC…"). */
  accountSid: string;
  /** Twilio auth token: Basic password of the REST API, key of every signature. */
  authToken: string;
  /** Bearer token of the media core on the control API's internal routes. */
  serviceToken: string;
  /** Key that signs the control API's access tokens. */
  jwtSecret: string;
}

/** Where everything listens and lives, fixed before any service starts. */
export interface StackPlan {
  /** Base environment every service inherits. */
  baseEnv: NodeJS.ProcessEnv;
  /** True when the stack ignores the user's configuration (demo, tests). */
  isolated: boolean;
  /** Providers run on emulators. */
  emulated: readonly Provider[];
  /** Secrets shared by the services. */
  secrets: StackSecrets;
  /** Control API port. */
  controlApiPort: number;
  /** Media core port. */
  mediaPort: number;
  /** Emulator ports by the bin's variable middle (`GOOGLE_SPEECH`), for isolated stacks. */
  emulatorPorts: Record<string, number>;
  /** Twilio REST emulator base URL, when Twilio is emulated. */
  twilioApiBaseUrl: string | undefined;
  /** Folder of SQLite and the outbox journals. */
  dataDir: string;
  /** pino level of every service. */
  logLevel: string;
}

/** URLs of the provider emulators, read from what `voice-emulators` printed. */
export interface EmulatorUrls {
  /** `host:port` of the Google Speech gRPC emulator. */
  googleSpeech?: string;
  /** `host:port` of the Google TTS gRPC emulator. */
  googleTts?: string;
  /** Base URL of the Sarvam emulator. */
  sarvam?: string;
  /** Base URL of the OpenAI emulator, ending in /v1. */
  openai?: string;
}

/** Variables that would point a service at a real provider, per provider. */
const CREDENTIALS: Record<Provider, string[]> = {
  google: ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_SPEECH_ENDPOINT', 'GOOGLE_TTS_ENDPOINT'],
  sarvam: ['SARVAM_API_KEY', 'SARVAM_API_URL'],
  openai: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_BASE_URL'],
};

/** What an isolated stack keeps of the parent's environment: the process basics only. */
const ISOLATED_KEEP = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'TZ', 'NODE_OPTIONS'];

/** Providers without credentials in `env`: the ones `npm start` emulates. */
export function providersWithoutCredentials(env: NodeJS.ProcessEnv): Provider[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const real: Record<Provider, boolean> = {
    google: set('GOOGLE_APPLICATION_CREDENTIALS'),
    sarvam: set('SARVAM_API_KEY'),
    openai: set('OPENAI_API_KEY'),
    twilio: set('TWILIO_ACCOUNT_SID') && set('TWILIO_AUTH_TOKEN'),
  };

  return PROVIDERS.filter((provider) => !real[provider]);
}

/** The parent's environment as a stack's services inherit it. */
export function inheritedEnv(env: NodeJS.ProcessEnv, isolated: boolean): NodeJS.ProcessEnv {
  if (!isolated) return { ...env };

  return Object.fromEntries(ISOLATED_KEEP.filter((key) => env[key]).map((key) => [key, env[key]]));
}

/** Secrets for the stack: the environment's where it has them, random ones otherwise. */
export function stackSecrets(env: NodeJS.ProcessEnv, emulated: readonly Provider[]): StackSecrets {
  const twilioReal = !emulated.includes('twilio');

  return {
    accountSid: twilioReal ? (env.TWILIO_ACCOUNT_SID ?? '') : `AC${hex(16)}`,
    authToken: twilioReal ? (env.TWILIO_AUTH_TOKEN ?? '') : hex(16),
    serviceToken: env.CONTROL_SERVICE_TOKEN || hex(24),
    jwtSecret: env.JWT_SECRET_KEY || hex(32),
  };
}

/** Environment of `voice-emulators`. */
export function emulatorsEnv(plan: StackPlan): NodeJS.ProcessEnv {
  const env = withoutCredentials(plan);
  env.LOG_LEVEL = plan.logLevel;
  env.EMULATOR_HOST = '127.0.0.1';
  for (const [name, port] of Object.entries(plan.emulatorPorts)) {
    env[`EMULATOR_${name}_PORT`] = String(port);
  }

  return env;
}

/** Environment of `voice-control-api`. */
export function controlApiEnv(plan: StackPlan): NodeJS.ProcessEnv {
  const env = withoutCredentials(plan);
  const publicBaseUrl = `http://127.0.0.1:${plan.controlApiPort}`;
  Object.assign(env, {
    LOG_LEVEL: plan.logLevel,
    CONTROL_API_PORT: String(plan.controlApiPort),
    CONTROL_SERVICE_TOKEN: plan.secrets.serviceToken,
    JWT_SECRET_KEY: plan.secrets.jwtSecret,
    TWILIO_ACCOUNT_SID: plan.secrets.accountSid,
    TWILIO_AUTH_TOKEN: plan.secrets.authToken,
  });
  if (plan.twilioApiBaseUrl !== undefined) env.TWILIO_API_BASE_URL = plan.twilioApiBaseUrl;
  env.PUBLIC_BASE_URL ??= publicBaseUrl;
  // Twilio (real or emulated) dials what the TwiML says; locally that is the media core itself.
  env.MEDIA_PUBLIC_URL ??= `ws://127.0.0.1:${plan.mediaPort}/media`;
  if (plan.isolated) Object.assign(env, isolatedControlApiEnv(plan));

  return env;
}

/** Environment of `voice-media-core`. */
export function mediaCoreEnv(plan: StackPlan, urls: EmulatorUrls): NodeJS.ProcessEnv {
  const env = withoutCredentials(plan);
  Object.assign(env, {
    LOG_LEVEL: plan.logLevel,
    MEDIA_PORT: String(plan.mediaPort),
    CONTROL_API_URL: `http://127.0.0.1:${plan.controlApiPort}`,
    CONTROL_SERVICE_TOKEN: plan.secrets.serviceToken,
    TWILIO_AUTH_TOKEN: plan.secrets.authToken,
  });
  if (plan.isolated) {
    env.MEDIA_HOST = '127.0.0.1';
    env.OUTBOX_DIR = join(plan.dataDir, 'outbox');
    // Why 1 thread: the stack shares the machine with the emulators and the caller.
    env.DSP_THREADS = '1';
    env.DRAIN_TIMEOUT_MS = '5000';
  }
  if (urls.googleSpeech !== undefined) env.GOOGLE_SPEECH_ENDPOINT = urls.googleSpeech;
  if (urls.googleTts !== undefined) env.GOOGLE_TTS_ENDPOINT = urls.googleTts;
  if (urls.sarvam !== undefined) env.SARVAM_API_URL = urls.sarvam;
  if (urls.openai !== undefined) env.OPENAI_BASE_URL = urls.openai;

  return env;
}

/** What an isolated control API needs besides the shared settings. */
function isolatedControlApiEnv(plan: StackPlan): NodeJS.ProcessEnv {
  return {
    CONTROL_API_HOST: '127.0.0.1',
    SQLITE_PATH: join(plan.dataDir, 'voice-agent.db'),
    // A demo or a test must not depend on the hour: calls are allowed all day.
    CALLING_WINDOW: '00:00-24:00',
    // The lowest cost bcrypt allows: the admin user is a throw-away one.
    BCRYPT_COST: '4',
    // Polling the call record during a call must not trip the per-client limit.
    RATE_LIMIT_PER_MINUTE: '100000',
  };
}

/** The inherited environment without the credentials of emulated providers. */
function withoutCredentials(plan: StackPlan): NodeJS.ProcessEnv {
  const env = { ...plan.baseEnv };
  for (const provider of plan.emulated) {
    for (const name of CREDENTIALS[provider]) delete env[name];
  }

  return env;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
