// Streaming recognition as the emulators fake it: segment the audio into utterances with the
// energy detector, answer interim transcripts that grow word by word while an utterance
// arrives, and a final transcript once it ends. All timing is in audio time, so audio may
// arrive faster than real time (tests and benches feed it in bursts).
import { FeatureExtractor, frameMs, type FeatureFrame } from './features.js';
import type { SpeechMatcher } from './matcher.js';
import { EnergySegmenter } from './segmenter.js';

/** What the recognizer heard, in the order it happened. */
export type RecognitionEvent =
  | { type: 'speech-begin'; /** audio time of the utterance's start */ audioMs: number }
  | {
      type: 'interim';
      /** The words heard so far in this utterance. */
      text: string;
      /** How unlikely the interim is to change, 0..1. */
      stability: number;
      /** Audio time of the interim. */
      audioMs: number;
    }
  | { type: 'speech-end'; /** audio time of the utterance's end */ audioMs: number }
  | {
      type: 'final';
      /** The utterance's words; empty when the audio matched no fixture. */
      text: string;
      /** Match score, 0..1 (0 when nothing matched). */
      confidence: number;
      /** Audio time of the utterance's end. */
      audioMs: number;
      /** The fixture utterance matched, if any. */
      utteranceId?: string;
      /** The matched fixture's language, if any. */
      language?: string;
    };

/** Tuning of the streaming recognition. */
export interface TrackerOptions {
  /** Silence that ends an utterance (then the final comes), in ms of audio; default 600. */
  endpointingMs?: number;
  /** How often interims are computed, in ms of audio; default 100. */
  interimEveryMs?: number;
}

/** Energies under this are never compared (below telephone-line noise). */
const clampFloorDb = -50;
/** Frames kept before a detected start, so the onset is never cut. */
const keepFrames = 64;

/** Turns a stream of PCM into recognition events for one stream or upload. */
export class UtteranceTracker {
  private readonly features: FeatureExtractor;
  private readonly segmenter: EnergySegmenter;
  private readonly interimEveryFrames: number;
  private recent: FeatureFrame[] = [];
  private recentStart = 0;
  private frameCount = 0;
  private utteranceStart = -1;
  private clampDb = clampFloorDb;
  private lastInterim = '';

  constructor(
    private readonly matcher: SpeechMatcher,
    /** Rate of the PCM pushed, in Hz. */ sampleRate: number,
    options: TrackerOptions = {},
  ) {
    this.features = new FeatureExtractor(sampleRate);
    this.segmenter = new EnergySegmenter({ endpointingMs: options.endpointingMs ?? 600 });
    this.interimEveryFrames = Math.max(1, Math.round((options.interimEveryMs ?? 100) / frameMs));
  }

  /** Audio received so far, in ms. */
  get audioMs(): number {
    return this.frameCount * frameMs;
  }

  /** Adds PCM; returns the events it caused. */
  push(samples: Int16Array): RecognitionEvent[] {
    const events: RecognitionEvent[] = [];
    for (const frame of this.features.push(samples)) this.onFrame(frame, events);

    return events;
  }

  /** The audio ended: closes an open utterance (final included). */
  finish(): RecognitionEvent[] {
    const end = this.segmenter.finish();
    if (!end) return [];

    const events: RecognitionEvent[] = [];
    this.closeUtterance(end.frame, events);
    return events;
  }

  private onFrame(frame: FeatureFrame, events: RecognitionEvent[]): void {
    const floorBefore = this.segmenter.noiseFloorDb;
    const event = this.segmenter.push(frame);
    this.remember(frame);

    if (event?.type === 'start') {
      this.utteranceStart = event.frame;
      this.clampDb = Math.max(clampFloorDb, floorBefore + 6);
      this.lastInterim = '';
      events.push({ type: 'speech-begin', audioMs: event.frame * frameMs });
    } else if (event?.type === 'end') {
      this.closeUtterance(event.frame, events);
    } else if (this.segmenter.speaking) {
      this.maybeInterim(events);
    }
  }

  private maybeInterim(events: RecognitionEvent[]): void {
    const length = this.frameCount - this.utteranceStart;
    if (length % this.interimEveryFrames !== 0) return;

    const match = this.matcher.matchPrefix(this.framesFrom(this.utteranceStart), this.clampDb);
    if (!match || match.text === '' || match.text === this.lastInterim) return;

    this.lastInterim = match.text;
    const stability = Math.round((0.5 + 0.4 * match.toFraction) * 100) / 100;
    events.push({ type: 'interim', text: match.text, stability, audioMs: this.audioMs });
  }

  private closeUtterance(endFrame: number, events: RecognitionEvent[]): void {
    const frames = this.framesFrom(this.utteranceStart).slice(0, endFrame - this.utteranceStart);
    const match = this.matcher.matchUtterance(frames, this.clampDb);
    const audioMs = endFrame * frameMs;

    events.push({ type: 'speech-end', audioMs });
    events.push({
      type: 'final',
      text: match?.text ?? '',
      confidence: match ? Math.round(Math.min(1, match.score) * 1000) / 1000 : 0,
      audioMs,
      utteranceId: match?.utterance.id,
      language: match?.utterance.language,
    });
    this.utteranceStart = -1;
  }

  private framesFrom(absolute: number): FeatureFrame[] {
    return this.recent.slice(Math.max(0, absolute - this.recentStart));
  }

  private remember(frame: FeatureFrame): void {
    this.recent.push(frame);
    this.frameCount += 1;

    // Why trim only outside utterances: an utterance's frames are all needed for its final;
    // between utterances only the few frames before a possible start are.
    if (this.utteranceStart < 0 && this.recent.length > 2 * keepFrames) {
      const drop = this.recent.length - keepFrames;
      this.recent = this.recent.slice(drop);
      this.recentStart += drop;
    }
  }
}
