// The voice agent's peers for a soak run, in the bench process on free ports of 127.0.0.1:
// the Google Speech, Google TTS, Sarvam and OpenAI emulators (the real wire protocols) and a
// control API peer. The agent process reaches them through its environment.
import {
  SpeechMatcher,
  startGoogleSpeechEmulator,
  startGoogleTtsEmulator,
  startOpenAiEmulator,
  startSarvamEmulator,
} from '@voice-agent/emulators';

import { ControlPeer } from './control-peer.js';

/** Service token the peer and the agent share. */
const SERVICE_TOKEN = 'soak-service-token';

/** How often the OpenAI emulator's request record is emptied, ms. */
const FORGET_REQUESTS_MS = 10_000;

/** The running peers. */
export interface Providers {
  /** The control API peer (what each call reported). */
  control: ControlPeer;
  /** Environment that points the voice agent at these peers. */
  env: Record<string, string>;
  /** Stops every peer. Idempotent. */
  close(): Promise<void>;
}

/** Starts every peer; if one fails, the ones started are stopped before the error is thrown. */
export async function startProviders(): Promise<Providers> {
  const closers: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.allSettled(closers.map((closeOne) => closeOne())).then(() => undefined);

    return closing;
  };

  try {
    const matcher = await SpeechMatcher.load();
    const speech = await startGoogleSpeechEmulator({ matcher });
    closers.push(() => speech.close());
    const tts = await startGoogleTtsEmulator();
    closers.push(() => tts.close());
    const sarvam = await startSarvamEmulator({ matcher });
    closers.push(() => sarvam.close());
    const openai = await startOpenAiEmulator();
    // The emulator records every request for tests to read; a soak reads none, and the
    // record would grow for the whole run.
    const forget = setInterval(() => openai.requests.splice(0), FORGET_REQUESTS_MS);
    closers.push(async () => {
      clearInterval(forget);
      await openai.close();
    });
    const control = await ControlPeer.start(SERVICE_TOKEN);
    closers.push(() => control.close());

    const env = {
      GOOGLE_SPEECH_ENDPOINT: `${speech.host}:${speech.port}`,
      GOOGLE_TTS_ENDPOINT: `${tts.host}:${tts.port}`,
      SARVAM_API_URL: sarvam.baseUrl,
      OPENAI_BASE_URL: openai.baseUrl,
      CONTROL_API_URL: control.baseUrl,
      CONTROL_SERVICE_TOKEN: SERVICE_TOKEN,
    };

    return { control, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}
