// What the failover tests and the failover bench share: fixture audio as a caller would send
// it, a local VAD that tells recognizers where speech starts and ends, the recognition
// emulators with real clients on them, and the failure kinds each emulator is told to produce.
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
  type GoogleRecognizerOptions,
  type GoogleSpeechClient,
  type Recognizer,
  type RecognizerFactory,
} from '@voice-agent/media-core/speech';
import type { FaultSpec } from '../faults/fault-spec.js';
import { startGoogleSpeechEmulator, type GoogleSpeechEmulator } from '../google-speech/server.js';
import { startSarvamEmulator, type SarvamEmulator } from '../sarvam/server.js';
import {
  loadFixtureManifest,
  readFixtureMuLaw,
  utteranceOf,
  type FixtureManifest,
} from '../script/fixture-manifest.js';
import { SpeechMatcher } from '../speech-match/matcher.js';

/** Recognizer sample rate, in Hz. */
export const RATE = 16_000;
/** Frame of the call audio, in ms (Twilio sends 20 ms frames). */
export const FRAME_MS = 20;

/**
 * The harness VAD's gate. Its hangover is longer than the emulators' 600 ms endpointing so
 * that the local VAD (which segments for Sarvam) and Google's own endpointing cut a call into
 * the same utterances: the emulators only match audio that starts where a fixture starts, so a
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

/** A call's audio and where its utterances sit. */
export interface CallAudio {
  /** 16 kHz PCM of the whole call. */
  pcm: Int16Array;
  /** Text of each utterance, in order. */
  texts: string[];
  /** Start of each utterance in the call, in ms. */
  startsMs: number[];
}

/** Builds a call: `leadMs` of silence, then each utterance followed by `pauseMs` of silence. */
export async function buildCall(ids: string[], leadMs = 400, pauseMs = 1200): Promise<CallAudio> {
  const parts = [silence(leadMs)];
  const texts: string[] = [];
  const startsMs: number[] = [];
  let atMs = leadMs;

  for (const id of ids) {
    const pcm = await utterancePcm(id);
    texts.push(await textOf(id));
    startsMs.push(atMs);
    parts.push(pcm, silence(pauseMs));
    atMs += (pcm.length / RATE) * 1000 + pauseMs;
  }

  return { pcm: concat(parts), texts, startsMs };
}

/** Call audio alone: lead-in silence, then each utterance followed by a pause, in ms. */
export async function callAudio(ids: string[], leadMs = 400, pauseMs = 1200): Promise<Int16Array> {
  return (await buildCall(ids, leadMs, pauseMs)).pcm;
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
  /** Called when the VAD ends speech, after the recognizer was told. */
  onSpeechEnd?: () => void;
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
    if (!gate.speaking && wasSpeaking) {
      recognizer.speechEnded();
      options.onSpeechEnd?.();
    }

    // Pace every 100 ms of audio: often enough for the providers' answers to interleave.
    if (frame % 5 === 4) await sleepUntil(started + ((frame + 1) * FRAME_MS) / speed);
  }
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - performance.now())));
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

/** One way to kill a recognition provider, as each emulator is told to produce it. */
export interface FailureKind {
  /** The failover reason it must be reported as. */
  reason: string;
  /** The fault for the Google Speech emulator (gRPC). */
  google: FaultSpec;
  /** The fault for the Sarvam emulator (HTTP). */
  sarvam: FaultSpec;
}

/** Every failure kind the failover must survive. */
export const FAILURE_KINDS: readonly FailureKind[] = [
  { reason: 'connection', google: { kind: 'drop' }, sarvam: { kind: 'drop', ms: 0 } },
  {
    reason: 'server',
    google: { kind: 'fail', code: 'UNAVAILABLE' },
    sarvam: { kind: 'fail', code: 503 },
  },
  {
    reason: 'timeout',
    google: { kind: 'fail', code: 'DEADLINE_EXCEEDED' },
    sarvam: { kind: 'fail', code: 504 },
  },
  {
    reason: 'quota',
    google: { kind: 'fail', code: 'RESOURCE_EXHAUSTED' },
    sarvam: { kind: 'fail', code: 429 },
  },
  // Once: a standing auth failure would also fail every later stream and probe.
  { reason: 'auth', google: { kind: 'auth', count: 1 }, sarvam: { kind: 'auth', count: 1 } },
  { reason: 'stall', google: { kind: 'stall' }, sarvam: { kind: 'stall' } },
];

/** Whether the Google emulator applies this fault as a stream opens (not at an audio position). */
export function strikesAtOpen(fault: FaultSpec): boolean {
  return fault.kind !== 'drop' && fault.kind !== 'stall';
}

/** A provider that leads a call and is killed, with the order and the call to run. */
export interface FailoverLeader {
  /** The provider killed. */
  leader: string;
  /** Provider order, leader first. */
  providers: string[];
  /** Call language. */
  lang: string;
  /** Fixture utterances of the call. */
  ids: string[];
}

/** Each recognition provider as the leader, on a call in a language both serve. */
export const FAILOVER_LEADERS: readonly FailoverLeader[] = [
  {
    leader: 'google',
    providers: ['google', 'sarvam'],
    lang: 'en-IN',
    ids: ['en-IN.greeting', 'en-IN.employment'],
  },
  {
    leader: 'sarvam',
    providers: ['sarvam', 'google'],
    lang: 'hi-IN',
    ids: ['hi-IN.greeting', 'hi-IN.income'],
  },
];
