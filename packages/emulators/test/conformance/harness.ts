// Shared by the conformance and failover tests: fixture audio as a caller would send it, a
// local VAD that tells recognizers where speech starts and ends, and the emulators.
import {
  advanceSpeechGate,
  decodeMuLaw,
  DEFAULT_VAD_OPTIONS,
  frameEnergyDb,
  initialSpeechGateState,
  resample,
} from '@voice-agent/media-core/audio';
import {
  createGoogleSpeechClient,
  GoogleRecognizer,
  SarvamHttp,
  SarvamRecognizer,
  type FinalTranscript,
  type GoogleRecognizerOptions,
  type GoogleSpeechClient,
  type Recognizer,
  type RecognizerFactory,
} from '@voice-agent/media-core/speech';
import {
  startGoogleSpeechEmulator,
  type GoogleSpeechEmulator,
} from '../../src/google-speech/server.js';
import { startSarvamEmulator, type SarvamEmulator } from '../../src/sarvam/server.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import {
  loadFixtureManifest,
  readFixtureMuLaw,
  utteranceOf,
  type FixtureManifest,
} from '../../src/script/fixture-manifest.js';

/** Recognizer sample rate, in Hz. */
export const RATE = 16_000;
/** Frame of the call audio, in ms (Twilio sends 20 ms frames). */
export const FRAME_MS = 20;

/**
 * The test VAD's gate. Its hangover is longer than the emulators' 600 ms endpointing so that
 * the local VAD (which segments for Sarvam) and Google's own endpointing cut a call into the
 * same utterances: the emulators only match audio that starts where a fixture starts, so a
 * fixture cut in two at an inner pause would come back as its first half and a fragment.
 */
export const VAD_OPTIONS = { ...DEFAULT_VAD_OPTIONS, minSilenceMs: 700 };

let manifest: Promise<FixtureManifest> | undefined;

/** The fixture manifest, loaded once per process. */
export function fixtures(): Promise<FixtureManifest> {
  return (manifest ??= loadFixtureManifest());
}

/** The transcript a fixture utterance must come back as. */
export async function textOf(id: string): Promise<string> {
  return utteranceOf(await fixtures(), id).text;
}

/** A fixture utterance as 16 kHz PCM (μ-law decoded, 8 → 16 kHz), as the DSP workers give it. */
export async function utterancePcm(id: string): Promise<Int16Array> {
  const mulaw = await readFixtureMuLaw(await fixtures(), id);

  return resample(decodeMuLaw(mulaw), 8000, RATE);
}

/** Call audio: lead-in silence, then each utterance followed by a pause, in ms. */
export async function callAudio(ids: string[], leadMs = 400, pauseMs = 1200): Promise<Int16Array> {
  const parts = [silence(leadMs)];
  for (const id of ids) parts.push(await utterancePcm(id), silence(pauseMs));

  return concat(parts);
}

/** Digital silence of `ms`. */
export function silence(ms: number): Int16Array {
  return new Int16Array((ms * RATE) / 1000);
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }

  return out;
}

/** Options of feeding a call into a recognizer. */
export interface FeedOptions {
  /** Audio speed relative to real time (the emulators judge audio time); default 10. */
  speed?: number;
  /** Called before each frame with its start, in ms of call audio. */
  onFrame?: (atMs: number) => void;
}

/**
 * Feeds call audio in 20 ms frames, running an energy VAD through the media core's speech gate
 * and telling the recognizer where speech starts and ends, paced at `speed` × real time.
 */
export async function feedCall(
  recognizer: Recognizer,
  pcm: Int16Array,
  options: FeedOptions = {},
): Promise<void> {
  const frameSamples = (FRAME_MS * RATE) / 1000;
  const gate = initialSpeechGateState();
  const speed = options.speed ?? 10;
  const started = performance.now();

  for (let at = 0, frame = 0; at < pcm.length; at += frameSamples, frame++) {
    const chunk = pcm.slice(at, at + frameSamples);
    const wasSpeaking = gate.speaking;
    const voiced = frameEnergyDb(chunk) > -45;
    options.onFrame?.(frame * FRAME_MS);

    recognizer.write(chunk);
    advanceSpeechGate(gate, voiced, FRAME_MS, VAD_OPTIONS);
    if (gate.speaking && !wasSpeaking) recognizer.speechStarted();
    if (!gate.speaking && wasSpeaking) recognizer.speechEnded();

    // Pace every 100 ms of audio: often enough for the providers' answers to interleave.
    if (frame % 5 === 4) await sleepUntil(started + ((frame + 1) * FRAME_MS) / speed);
  }
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - performance.now())));
}

/** Every final a recognizer emits, in order. */
export function collectFinals(recognizer: Recognizer): FinalTranscript[] {
  const finals: FinalTranscript[] = [];
  recognizer.on('final', (f) => finals.push(f));

  return finals;
}

/** Resolves once `done()` holds, polling; rejects after `timeoutMs` naming `what`. */
export async function waitFor(done: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Splits a transcript into words, ignoring case and punctuation, to count lost/duplicate words. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}\p{M}]/gu, ''))
    .filter(Boolean);
}

/** The recognition emulators and the real clients pointed at them. */
export interface SpeechBed {
  /** Google Speech emulator. */
  google: GoogleSpeechEmulator;
  /** Sarvam emulator. */
  sarvam: SarvamEmulator;
  /** Real v1 SpeechClient on the Google emulator. */
  googleClient: GoogleSpeechClient;
  /** Real Sarvam HTTP client on the Sarvam emulator. */
  sarvamHttp: SarvamHttp;
  /** Recognizer factories by provider name. */
  factories: Record<string, RecognizerFactory>;
  /** Clears every injected fault. */
  clearFaults(): void;
  /** Closes clients and emulators. */
  close(): Promise<void>;
}

/** Starts both recognition emulators (one shared matcher) and real clients on them. */
export async function startSpeechBed(
  google: Partial<GoogleRecognizerOptions> = {},
): Promise<SpeechBed> {
  const matcher = await SpeechMatcher.load();
  const googleEmu = await startGoogleSpeechEmulator({ matcher });
  const sarvamEmu = await startSarvamEmulator({ matcher, apiKey: 'test-key' });
  const googleClient = createGoogleSpeechClient({
    endpoint: `${googleEmu.host}:${googleEmu.port}`,
  });
  const sarvamHttp = new SarvamHttp({ baseUrl: sarvamEmu.baseUrl, apiKey: 'test-key' });

  return {
    google: googleEmu,
    sarvam: sarvamEmu,
    googleClient,
    sarvamHttp,
    factories: {
      google: ({ languageCode }) =>
        new GoogleRecognizer({ client: googleClient, languageCode, ...google }),
      sarvam: ({ languageCode }) => new SarvamRecognizer({ http: sarvamHttp, languageCode }),
    },
    clearFaults() {
      googleEmu.faults.clear();
      sarvamEmu.faults.clear();
    },
    async close() {
      await googleClient.close();
      await sarvamHttp.close();
      await Promise.all([googleEmu.close(), sarvamEmu.close()]);
    },
  };
}
