// Barge-in detection on the caller's side: while the bot speaks, voiced caller frames adding up
// to `minSpeechMs` mean the caller is talking over it. Time is counted in caller frames (20 ms
// of audio each), the call's own clock, so a stalled event loop cannot fake or hide speech.
import type { DspFrameFeatures } from '../call/collaborators.js';

/** Length of one caller frame, in ms (Twilio sends 20 ms frames). */
const FRAME_MS = 20;

/**
 * Unvoiced gap that ends a run of voiced frames, in ms. Speech has short gaps between
 * syllables; a run that pauses longer than this was a noise burst, not an utterance.
 */
const GAP_RESET_MS = 120;

/** Options of the detector. */
export interface BargeInOptions {
  /** Voiced caller audio, in ms, that interrupts the bot (BARGE_IN_MIN_SPEECH_MS, default 200). */
  minSpeechMs: number;
}

/** Counts voiced caller frames; says when they amount to a barge-in. */
export class BargeInDetector {
  private voicedMs = 0;
  private gapMs = 0;
  /** performance.now() at which the first frame of the current voiced run arrived. */
  private onsetAtMs: number | undefined;

  constructor(private readonly options: BargeInOptions) {}

  /**
   * Feeds one DSP tick's frames (received at `arrivals[i]`, performance.now() ms) and returns
   * the onset time of the run when it reaches the minimum, else undefined.
   */
  push(frames: readonly DspFrameFeatures[], arrivals: readonly number[]): number | undefined {
    for (const [i, frame] of frames.entries()) {
      if (frame.voiced) {
        if (this.voicedMs === 0) this.onsetAtMs = arrivals[i];
        this.voicedMs += FRAME_MS;
        this.gapMs = 0;
      } else {
        this.gapMs += FRAME_MS;
        if (this.gapMs >= GAP_RESET_MS) this.reset();
      }

      if (this.voicedMs >= this.options.minSpeechMs) {
        const onset = this.onsetAtMs;
        this.reset();

        return onset ?? performance.now();
      }
    }

    return undefined;
  }

  /** Forgets the current run (the bot fell silent, or a barge-in was taken). */
  reset(): void {
    this.voicedMs = 0;
    this.gapMs = 0;
    this.onsetAtMs = undefined;
  }
}

/** Arrival times of caller frames, in order, so a DSP result's frames can be dated. */
export class FrameArrivals {
  private readonly times: number[] = [];

  /** A media frame arrived (performance.now() ms). */
  add(receivedAtMs: number): void {
    this.times.push(receivedAtMs);
    // Why a cap: DSP results follow arrivals within a tick or two; a longer backlog only
    // happens when DSP is off, and must not grow without bound.
    if (this.times.length > 500) this.times.splice(0, this.times.length - 500);
  }

  /** Takes the arrival times of the next `count` frames (DSP returns frames in order). */
  take(count: number): number[] {
    return this.times.splice(0, count);
  }
}
