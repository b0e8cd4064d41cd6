// Which words of a fixture's text a stretch of its audio covers. The emulators know the text
// but not where each word falls, so a word's place in time is estimated from its place in the
// text: speech time grows roughly with the number of characters spoken.

/** A word and its estimated middle, as a fraction (0..1) of the utterance's duration. */
export interface TimedWord {
  /** The word as written in the fixture text. */
  text: string;
  /** Estimated middle of the word in the utterance, 0..1. */
  midFraction: number;
}

/** Splits a text into words with estimated time positions. */
export function timeWords(text: string): TimedWord[] {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  const total = words.reduce((sum, word) => sum + word.length + 1, 0);

  let before = 0;
  return words.map((word) => {
    const mid = (before + word.length / 2) / total;
    before += word.length + 1;

    return { text: word, midFraction: mid };
  });
}

/** The words whose middle lies between two fractions of the utterance, joined by spaces. */
export function wordsBetween(words: TimedWord[], fromFraction: number, toFraction: number): string {
  return words
    .filter((word) => word.midFraction >= fromFraction && word.midFraction <= toFraction)
    .map((word) => word.text)
    .join(' ');
}
