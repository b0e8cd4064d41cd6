// The whole product's configuration from the environment: the media server's, the speech
// providers', the LLM's and the conversation's. Providers without credentials are emulated.
import { loadLlmConfig, type LlmConfig } from '../dialogue/llm-config.js';
import { ConfigError, loadConfig, type Env, type MediaConfig } from '../ops/config.js';
import { speechConfigFromEnv, type SpeechConfig } from '../speech/services.js';
import { DEFAULT_CONVERSATION_OPTIONS, type ConversationOptions } from './options.js';

/** Where `voice-emulators` listens by default (packages/emulators/src/bin.ts). */
export const EMULATOR_DEFAULTS = {
  googleSpeech: '127.0.0.1:50051',
  googleTts: '127.0.0.1:50052',
  sarvam: 'http://127.0.0.1:8091',
} as const;

/** Everything startVoiceAgent needs. */
export interface VoiceAgentConfig {
  /** The media server's configuration. */
  media: MediaConfig;
  /** Speech recognition and synthesis providers. */
  speech: SpeechConfig;
  /** The LLM. */
  llm: LlmConfig;
  /** Barge-in and timing choices. */
  conversation: ConversationOptions;
  /** OUTBOX_DIR: folder of the outbox's journals (default ./data/outbox). */
  outboxDir: string;
  /**
   * VOICE_LANGUAGES: languages whose fixed prompts are synthesized at start (default
   * en-IN,hi-IN,ta-IN).
   */
  languages: string[];
  /** Parts that run on local emulators (no credentials): `google`, `sarvam`, `openai`. */
  emulated: string[];
}

/** Reads the product's configuration; throws ConfigError naming the first bad variable. */
export function loadVoiceAgentConfig(env: Env = process.env): VoiceAgentConfig {
  const media = loadConfig(env);
  const googleReal = present(env.GOOGLE_APPLICATION_CREDENTIALS);
  const sarvamReal = present(env.SARVAM_API_KEY);
  const llm = loadLlmConfig(env);
  if (media.production) requireSecrets(env);

  const speech = speechConfigFromEnv(env as NodeJS.ProcessEnv);
  if (!googleReal) {
    speech.googleSpeechEndpoint ??= EMULATOR_DEFAULTS.googleSpeech;
    speech.googleTtsEndpoint ??= EMULATOR_DEFAULTS.googleTts;
  }
  if (!sarvamReal) {
    speech.sarvamApiUrl ??= EMULATOR_DEFAULTS.sarvam;
    speech.sarvamApiKey ||= 'emulator';
  }

  return {
    media,
    speech,
    llm,
    conversation: {
      ...DEFAULT_CONVERSATION_OPTIONS,
      bargeInMinSpeechMs: integer(env, 'BARGE_IN_MIN_SPEECH_MS', 200, 20, 5000),
      bargeInFalseMs: integer(env, 'BARGE_IN_FALSE_MS', 1500, 100, 30_000),
      openingWaitMs: integer(env, 'OPENING_WAIT_MS', 1200, 0, 30_000),
      defaultLanguage: env.DEFAULT_LANGUAGE?.trim() || DEFAULT_CONVERSATION_OPTIONS.defaultLanguage,
    },
    outboxDir: env.OUTBOX_DIR?.trim() || './data/outbox',
    languages: (env.VOICE_LANGUAGES ?? 'en-IN,hi-IN,ta-IN')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    emulated: [
      ...(googleReal ? [] : ['google']),
      ...(sarvamReal ? [] : ['sarvam']),
      ...(llm.emulated ? ['openai'] : []),
    ],
  };
}

/** Production runs on real providers and a real control plane only. */
function requireSecrets(env: Env): void {
  const needed = [
    'GOOGLE_APPLICATION_CREDENTIALS',
    'SARVAM_API_KEY',
    'OPENAI_API_KEY',
    'CONTROL_SERVICE_TOKEN',
  ];
  for (const name of needed) {
    if (!present(env[name])) throw new ConfigError(name, 'is required when NODE_ENV=production');
  }
}

function present(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${text}")`);
  }

  return value;
}
