// A simple energy voice-activity detector over feature frames: speech is a frame well above the
// recent noise floor (the minimum energy over the last 1.5 s, so steady line noise raises the
// floor while the dips between syllables keep it low during speech).
import { frameMs, type FeatureFrame } from './features.js';

/** Tuning of the detector. */
export interface SegmenterOptions {
  /** Silence after speech that ends an utterance, in ms (the recognizer's endpointing). */
  endpointingMs?: number;
  /** Speech needed to start an utterance, in ms. */
  onsetMs?: number;
  /** Speech frames must exceed the noise floor by this much, in dB. */
  marginDb?: number;
  /** Frames quieter than this (dBFS) are never speech. */
  minSpeechDb?: number;
}

/** What one frame did to the utterance state. */
export type SegmentEvent =
  | { type: 'start'; /** index of the utterance's first frame */ frame: number }
  | { type: 'end'; /** index one past the utterance's last speech frame */ frame: number };

// Limit: the floor is learnt from the last 1.5 s, so line noise that starts together with the
// speech is taken for speech at first; the utterance then runs long and may match no fixture.
const noiseWindowFrames = 150;

/** Detects utterance starts and ends in a stream of feature frames. */
export class EnergySegmenter {
  private readonly endpointingFrames: number;
  private readonly onsetFrames: number;
  private readonly marginDb: number;
  private readonly minSpeechDb: number;
  private readonly recent: number[] = [];
  private frameIndex = 0;
  private speechRun = 0;
  private silenceRun = 0;
  private inSpeech = false;
  private lastSpeechEnd = 0;

  constructor(options: SegmenterOptions = {}) {
    this.endpointingFrames = Math.max(1, Math.round((options.endpointingMs ?? 600) / frameMs));
    this.onsetFrames = Math.max(1, Math.round((options.onsetMs ?? 30) / frameMs));
    this.marginDb = options.marginDb ?? 12;
    this.minSpeechDb = options.minSpeechDb ?? -55;
  }

  /** True while inside an utterance. */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** The current noise floor in dBFS. */
  get noiseFloorDb(): number {
    return this.recent.length === 0 ? -90 : Math.min(...this.recent);
  }

  /** Feeds one frame; returns the event it caused, if any. */
  push(frame: FeatureFrame): SegmentEvent | undefined {
    const isSpeech = frame.energyDb > Math.max(this.minSpeechDb, this.noiseFloorDb + this.marginDb);
    this.remember(frame.energyDb);
    const index = this.frameIndex;
    this.frameIndex += 1;

    // Why runs: a click of one or two frames neither starts an utterance nor extends one.
    if (isSpeech) this.speechRun += 1;
    else this.speechRun = 0;

    if (this.speechRun >= this.onsetFrames) {
      this.silenceRun = 0;
      this.lastSpeechEnd = index + 1;
    } else {
      this.silenceRun += 1;
    }

    return this.inSpeech ? this.checkEnd() : this.checkStart(index);
  }

  /** Ends an open utterance (the audio stopped); returns its end event. */
  finish(): SegmentEvent | undefined {
    if (!this.inSpeech) return undefined;

    this.inSpeech = false;
    return { type: 'end', frame: this.lastSpeechEnd };
  }

  private checkStart(index: number): SegmentEvent | undefined {
    if (this.speechRun < this.onsetFrames) return undefined;

    this.inSpeech = true;
    return { type: 'start', frame: index + 1 - this.onsetFrames };
  }

  private checkEnd(): SegmentEvent | undefined {
    if (this.silenceRun < this.endpointingFrames) return undefined;

    this.inSpeech = false;
    return { type: 'end', frame: this.lastSpeechEnd };
  }

  private remember(energyDb: number): void {
    this.recent.push(energyDb);
    if (this.recent.length > noiseWindowFrames) this.recent.shift();
  }
}
