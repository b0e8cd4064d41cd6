// The whole product on real sockets for end-to-end tests: the speech emulators, the OpenAI
// emulator when asked, a control API peer, and the voice agent (startVoiceAgent) wired to them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  loadVoiceAgentConfig,
  Playback,
  startVoiceAgent,
  type BrainFactory,
  type VoiceAgent,
} from '@voice-agent/media-core';
import { pino } from 'pino';

import { startGoogleSpeechEmulator } from '../../src/google-speech/server.js';
import { startGoogleTtsEmulator } from '../../src/google-tts/server.js';
import { startSarvamEmulator } from '../../src/sarvam/server.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import { ControlPeer } from './control-peer.js';

/** Service token the peer and the agent share. */
const TOKEN = 'e2e-service-token';

/** Options of the stack. */
export interface StackOptions {
  /** Clock speed of playback (the caller emulator must use the same); default 1. */
  speed?: number;
  /** The dialogue; default the OpenAI agent on `openAiBaseUrl`. */
  brains?: BrainFactory;
  /** The OpenAI emulator's base URL (ends with /v1), for the default dialogue. */
  openAiBaseUrl?: string;
  /** More environment for loadVoiceAgentConfig. */
  env?: Record<string, string>;
}

/** A running stack. */
export interface Stack {
  agent: VoiceAgent;
  peer: ControlPeer;
  /** Stops everything, the agent first. */
  close(): Promise<void>;
}

/** Starts emulators, the peer and the agent on free ports. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const matcher = await SpeechMatcher.load();
  const speech = await startGoogleSpeechEmulator({ matcher });
  const tts = await startGoogleTtsEmulator();
  const sarvam = await startSarvamEmulator({ matcher });
  const peer = new ControlPeer(TOKEN);
  await peer.start();
  const outboxDir = await mkdtemp(join(tmpdir(), 'e2e-outbox-'));

  const config = loadVoiceAgentConfig({
    MEDIA_PORT: '0',
    MEDIA_TRANSPORT: 'ws',
    DSP_THREADS: '1',
    LOG_LEVEL: 'silent',
    GOOGLE_SPEECH_ENDPOINT: `${speech.host}:${speech.port}`,
    GOOGLE_TTS_ENDPOINT: `${tts.host}:${tts.port}`,
    SARVAM_API_URL: sarvam.baseUrl,
    CONTROL_API_URL: peer.baseUrl,
    CONTROL_SERVICE_TOKEN: TOKEN,
    OUTBOX_DIR: outboxDir,
    ...(options.openAiBaseUrl ? { OPENAI_BASE_URL: options.openAiBaseUrl } : {}),
    ...options.env,
  });
  const speed = options.speed ?? 1;
  const agent = await startVoiceAgent({
    config,
    logger: pino({ level: process.env.E2E_LOG ?? 'silent' }),
    ...(options.brains ? { brains: options.brains } : {}),
    // Why a scaled clock: the caller emulator plays `speed` frames per 20 ms, so playback
    // must pace at the same speed or the caller would hear gaps between frames.
    playback: (init) => new Playback({ ...init, now: () => performance.now() * speed }),
  });

  return {
    agent,
    peer,
    async close() {
      await agent.close();
      await Promise.all([speech.close(), tts.close(), sarvam.close(), peer.close()]);
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}
