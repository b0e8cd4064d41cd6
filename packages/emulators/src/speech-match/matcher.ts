// Matches a stretch of received speech against the known fixture utterances by comparing
// log-energy envelopes (normalised correlation), so every emulated recognizer answers the same
// words for the same audio. It cannot recognize speech: audio unlike every fixture gets no
// words (the recognizers then answer an empty transcript with confidence 0).
import type { FeatureFrame } from './features.js';
import { loadKnownUtterances, type KnownUtterance } from './fixture-library.js';
import { wordsBetween } from './words.js';

/** The fixture a stretch of audio matched, and which part of it. */
export interface SpeechMatch {
  /** The fixture utterance. */
  utterance: KnownUtterance;
  /** Where the audio starts in the utterance, 0..1. */
  fromFraction: number;
  /** Where the audio ends in the utterance, 0..1. */
  toFraction: number;
  /** Similarity, 0..1 (correlation times the share of the audio the fixture explains). */
  score: number;
  /** The words the covered part holds. */
  text: string;
}

/** Tuning of the matcher. */
export interface MatcherOptions {
  /** Lowest score that counts as a match (default 0.8). */
  minScore?: number;
}

/**
 * Shortest stretch of speech worth matching, in 10 ms frames: shorter sounds (a cough, a
 * click) resemble the onset of too many words to name one.
 */
const minFrames = 25;
/** How far the start of the audio may sit from the start of the fixture, in frames. */
const maxShiftFrames = 8;
/** Shortest stretch matched somewhere inside a fixture (not at its start), in frames. */
const minInnerFrames = 40;
/** A stretch that covers the fixture up to this close to its ends counts as the whole. */
const edgeFraction = 0.06;

/** Finds which fixture utterance (and which part of it) some audio is. */
export class SpeechMatcher {
  private readonly minScore: number;

  constructor(
    /** The fixture utterances to match against. */ readonly utterances: KnownUtterance[],
    options: MatcherOptions = {},
  ) {
    this.minScore = options.minScore ?? 0.8;
  }

  /** Loads the fixture manifest (default: env EMULATOR_FIXTURES_DIR, else the repository's). */
  static async load(fixturesDir?: string): Promise<SpeechMatcher> {
    return new SpeechMatcher(await loadKnownUtterances(fixturesDir));
  }

  /**
   * Matches audio that starts where an utterance starts (a stream's utterance so far).
   * @param clampDb energies below this are raised to it on both sides (the noise floor)
   */
  matchPrefix(frames: FeatureFrame[], clampDb: number): SpeechMatch | undefined {
    if (frames.length < minFrames) return undefined;

    return this.best(frames, clampDb, (length) => [
      -maxShiftFrames,
      Math.min(maxShiftFrames, length),
    ]);
  }

  /** Matches a whole utterance: at the start of a fixture first, else anywhere inside one. */
  matchUtterance(frames: FeatureFrame[], clampDb: number): SpeechMatch | undefined {
    const prefix = this.matchPrefix(frames, clampDb);
    if (prefix || frames.length < minInnerFrames) return prefix;

    const inner = this.best(frames, clampDb, (length) => [0, length - minInnerFrames]);
    return inner && inner.score >= this.minScore + 0.05 ? inner : undefined;
  }

  private best(
    frames: FeatureFrame[],
    clampDb: number,
    offsets: (fixtureLength: number) => [number, number],
  ): SpeechMatch | undefined {
    let best: { utterance: KnownUtterance; offset: number; score: number } | undefined;
    for (const utterance of this.utterances) {
      const [from, to] = offsets(utterance.frames.length);
      for (let offset = from; offset <= to; offset += 1) {
        const score = similarity(frames, utterance.frames, offset, clampDb);
        if (score > (best?.score ?? this.minScore)) best = { utterance, offset, score };
      }
    }

    return best && this.describe(best.utterance, best.offset, frames.length, best.score);
  }

  private describe(
    utterance: KnownUtterance,
    offset: number,
    length: number,
    score: number,
  ): SpeechMatch {
    const total = utterance.frames.length;
    let fromFraction = Math.max(0, offset) / total;
    let toFraction = Math.min(total, offset + length) / total;
    if (fromFraction < edgeFraction) fromFraction = 0;
    if (toFraction > 1 - edgeFraction) toFraction = 1;

    const text = wordsBetween(utterance.words, fromFraction, toFraction);
    return { utterance, fromFraction, toFraction, score, text };
  }
}

/**
 * Pearson correlation of the clamped log-energy envelopes where they overlap, times the share
 * of the received frames the fixture covers (audio past the fixture's end is unexplained).
 */
function similarity(
  frames: FeatureFrame[],
  fixture: FeatureFrame[],
  offset: number,
  clampDb: number,
): number {
  const first = Math.max(0, -offset);
  const last = Math.min(frames.length, fixture.length - offset);
  const overlap = last - first;
  if (overlap < minFrames) return 0;

  let sumA = 0;
  let sumB = 0;
  let sumAA = 0;
  let sumBB = 0;
  let sumAB = 0;
  for (let i = first; i < last; i += 1) {
    const a = Math.max(clampDb, frames[i]?.energyDb ?? clampDb);
    const b = Math.max(clampDb, fixture[i + offset]?.energyDb ?? clampDb);
    sumA += a;
    sumB += b;
    sumAA += a * a;
    sumBB += b * b;
    sumAB += a * b;
  }

  const covariance = sumAB - (sumA * sumB) / overlap;
  const varianceA = sumAA - (sumA * sumA) / overlap;
  const varianceB = sumBB - (sumB * sumB) / overlap;
  if (varianceA <= 1e-9 || varianceB <= 1e-9) return 0;

  return (covariance / Math.sqrt(varianceA * varianceB)) * (overlap / frames.length);
}
