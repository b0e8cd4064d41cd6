// Wiring only: the whole voice agent from its configuration. The media server runs each call's
// conversation (recognizer, dialogue, speaker, barge-in, hand-off) and reports through the
// outbox to the control API; providers without credentials are the local emulators.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { PlaybackFactory } from './call/collaborators.js';
import { ControlClient } from './control/client.js';
import { Outbox } from './control/outbox.js';
import { agentBrains } from './conversation/agent-brain.js';
import type { BrainFactory } from './conversation/brain.js';
import { loadVoiceAgentConfig, type VoiceAgentConfig } from './conversation/config.js';
import type { CallEventTarget } from './conversation/events.js';
import { conversationMetrics } from './conversation/metrics.js';
import {
  attachConversation,
  type CallConversation,
  type PipelineControl,
  type PipelineSpeech,
} from './conversation/pipeline.js';
import { dialogueTexts } from './dialogue/phrases.js';
import type { DrainResult } from './ops/drain.js';
import { createLogger } from './ops/log.js';
import { reportProviderHealth } from './ops/provider-health.js';
import { createMediaServer, MEDIA_PATH, type MediaServer } from './server.js';
import { SpeechServices } from './speech/services.js';
import { PromptCache } from './voice/prompt-cache.js';

/** Bytes of fixed-prompt audio kept in memory (about 10 minutes of 24 kHz speech). */
const PROMPT_CACHE_BYTES = 32 * 1024 * 1024;

/** Options of startVoiceAgent; everything but `config` has a production default. */
export interface VoiceAgentOptions {
  /** Configuration; default loadVoiceAgentConfig(process.env). */
  config?: VoiceAgentConfig;
  /** Root logger; default pino at the configured level. */
  logger?: Logger;
  /** Registry for /metrics; default a new one. */
  registry?: Registry;
  /** Builds each call's dialogue; default the OpenAI LoanAgent on `config.llm`. */
  brains?: BrainFactory;
  /** Speech services; default SpeechServices on `config.speech` (owned and closed by the agent). */
  speech?: PipelineSpeech;
  /**
   * Where call events go; default an Outbox to the control API when CONTROL_SERVICE_TOKEN is set.
   */
  events?: CallEventTarget;
  /** Control API client (context, hand-off); default a ControlClient when the token is set. */
  control?: PipelineControl;
  /** Builds each call's playback (tests pass a faster clock); default the server's. */
  playback?: PlaybackFactory;
  /** Synthesize the fixed prompts at start, in the background; default true. */
  warmPrompts?: boolean;
}

/** A running voice agent. */
export interface VoiceAgent {
  /** The media server. */
  readonly server: MediaServer;
  /** Port it listens on. */
  readonly port: number;
  /** WebSocket URL Twilio (or the caller emulator) dials. */
  readonly url: string;
  /** Parts running on emulators (`google`, `sarvam`, `openai`). */
  readonly emulated: string[];
  /** Conversations of the calls open now. */
  conversations(): CallConversation[];
  /** Resolves when every conversation started so far has closed. */
  settled(): Promise<void>;
  /** Refuses new calls and lets open ones finish (DRAIN_TIMEOUT_MS). */
  drain(): Promise<DrainResult>;
  /** Closes the server, the conversations, the outbox and the provider clients. Idempotent. */
  close(): Promise<void>;
}

/** Starts the media server with a conversation on every call. */
export async function startVoiceAgent(options: VoiceAgentOptions = {}): Promise<VoiceAgent> {
  const config = options.config ?? loadVoiceAgentConfig();
  const log = options.logger ?? createLogger(config.media.logLevel);
  const registry = options.registry ?? new Registry();
  announce(config, log);

  const ownSpeech =
    options.speech === undefined ? new SpeechServices(config.speech, { registry, log }) : undefined;
  const speech = options.speech ?? (ownSpeech as SpeechServices);
  const ownControl = options.control === undefined ? controlClient(config, log) : undefined;
  const control = options.control ?? ownControl;
  const outbox =
    options.events === undefined && ownControl !== undefined
      ? await Outbox.open({ sink: ownControl, outboxDir: config.outboxDir, registry, log })
      : undefined;
  const promptCache = new PromptCache({ maxBytes: PROMPT_CACHE_BYTES });
  const open = new Set<CallConversation>();
  const all: Promise<void>[] = [];

  const deps = {
    speech,
    brains: options.brains ?? agentBrains({ llm: config.llm, log }),
    metrics: conversationMetrics(registry),
    promptCache,
    events: options.events ?? outbox,
    control,
    log,
    options: config.conversation,
  };
  const server = createMediaServer({
    config: config.media,
    logger: log,
    registry,
    ...(options.playback ? { playback: options.playback } : {}),
    onSession: (session) => {
      const conversation = attachConversation(session, deps);
      open.add(conversation);
      all.push(conversation.closed.then(() => void open.delete(conversation)));
    },
  });

  if (ownSpeech) reportProviderHealth(ownSpeech.breakers, server.health);

  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  if (options.warmPrompts !== false) {
    void warmPrompts(speech, promptCache, config.languages, log);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.close();
      await Promise.allSettled(all);
      await outbox?.close();
      await ownControl?.close();
      await ownSpeech?.close();
    })();

    return closing;
  };

  return {
    server,
    port,
    url: `ws://${config.media.host}:${port}${MEDIA_PATH}`,
    emulated: config.emulated,
    conversations: () => [...open],
    settled: async () => void (await Promise.allSettled(all)),
    drain: () => server.drain(),
    close,
  };
}

/** Says once, at start, which parts run on emulators. */
function announce(config: VoiceAgentConfig, log: Logger): void {
  if (config.emulated.length === 0) {
    log.info('all providers are real');
    return;
  }

  const endpoints = {
    googleSpeech: config.speech.googleSpeechEndpoint,
    googleTts: config.speech.googleTtsEndpoint,
    sarvam: config.speech.sarvamApiUrl,
    openai: config.llm.baseUrl,
  };
  log.warn(
    { emulated: config.emulated, endpoints },
    'providers without credentials use local emulators',
  );
}

/** A control API client when a service token is configured; none otherwise. */
function controlClient(config: VoiceAgentConfig, log: Logger): ControlClient | undefined {
  const token = config.media.controlServiceToken;
  if (token === undefined) {
    log.warn(
      'CONTROL_SERVICE_TOKEN is not set: no call events are reported and hand-offs end the call',
    );
    return undefined;
  }

  return new ControlClient({ baseUrl: config.media.controlApiUrl, serviceToken: token });
}

/** Synthesizes each language's fixed phrases into the cache, so the first call does not wait. */
async function warmPrompts(
  speech: PipelineSpeech,
  cache: PromptCache,
  languages: string[],
  log: Logger,
): Promise<void> {
  for (const languageCode of languages) {
    const { phrases } = dialogueTexts(languageCode);
    const texts = [phrases.handOffHold, phrases.llmApology, phrases.repeat, phrases.goodbye];
    const failed = await cache.warm(
      texts.map((text) => ({ text, languageCode })),
      speech.synthesizer(languageCode, log),
    );
    if (failed.length > 0) log.warn({ languageCode, failed: failed.length }, 'prompts not cached');
  }
  log.info({ languages, prompts: cache.size }, 'prompt cache warmed');
}
