import type { FailoverReason, SpeechError } from './errors.js';

/** Sample rate of the PCM every recognizer takes, in Hz. */
export const RECOGNIZER_SAMPLE_RATE = 16_000;

/** Samples per millisecond at the recognizer rate. */
export const SAMPLES_PER_MS = RECOGNIZER_SAMPLE_RATE / 1000;

/** A transcript that may still change (words keep growing until the final). */
export interface InterimTranscript {
  /** Text so far of the utterance in progress. */
  text: string;
  /** Provider that produced it. */
  provider: string;
}

/** The settled text of one utterance. */
export interface FinalTranscript {
  /** Text of the utterance; empty when the provider heard no words in it. */
  text: string;
  /** Provider's confidence in 0..1, or null when the provider gives none (Sarvam). */
  confidence: number | null;
  /** BCP-47 language the text is in, e.g. `hi-IN`. */
  language: string;
  /** Provider that produced it. */
  provider: string;
  /** Start of the utterance, in ms of audio written to this recognizer, when known. */
  startMs?: number;
  /** End of the utterance, in ms of audio written to this recognizer, when known. */
  endMs?: number;
}

/** A switch from one provider to the next. */
export interface FailoverEvent {
  /** Provider given up on. */
  from: string;
  /** Provider taken. */
  to: string;
  /** Why: the failure, or `restored` when the call returns to a recovered provider. */
  reason: FailoverReason | 'restored';
  /** Audio replayed into the new provider, in ms. */
  replayMs: number;
  /** When it happened, `performance.now()` ms. */
  atMs: number;
}

/** Events every recognizer emits. */
export interface RecognizerEvents {
  /** The caller started speaking (from the local VAD). */
  speechStart: [];
  /** The caller stopped speaking (from the local VAD). */
  speechEnd: [];
  /** A transcript of the utterance in progress. */
  interim: [InterimTranscript];
  /** The settled transcript of an utterance. */
  final: [FinalTranscript];
  /** A provider failure; the recognizer is unusable after it unless it says otherwise. */
  error: [SpeechError];
  /** The call moved to another provider (composite recognizers only). */
  failover: [FailoverEvent];
}

/**
 * A streaming speech recognizer for one call: 16 kHz mono PCM in, transcripts out.
 * The local VAD tells it where speech starts and ends, so every provider segments alike.
 */
export interface Recognizer {
  /** Adds a listener. */
  on<K extends keyof RecognizerEvents>(
    event: K,
    listener: (...args: RecognizerEvents[K]) => void,
  ): unknown;
  /** Removes every listener (of one event, or all). */
  removeAllListeners(event?: keyof RecognizerEvents): unknown;
  /** Provider name (`google`, `sarvam`) or `failover` for the composite. */
  readonly provider: string;
  /** Feeds one chunk of 16 kHz mono PCM16, in call order. */
  write(pcm: Int16Array): void;
  /** The local VAD heard speech begin at the current write position. */
  speechStarted(): void;
  /** The local VAD heard speech end at the current write position. */
  speechEnded(): void;
  /** Stops recognition and releases the provider stream; idempotent. */
  close(): Promise<void>;
}

/** What a provider recognizer needs for one call. */
export interface RecognizerCallOptions {
  /** BCP-47 language of the call, e.g. `en-IN`. */
  languageCode: string;
}

/** Builds a provider recognizer for one call. */
export type RecognizerFactory = (options: RecognizerCallOptions) => Recognizer;
