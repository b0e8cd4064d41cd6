// Streaming sentence splitter: LLM text deltas in, complete sentences out, so text-to-speech
// can start on the first sentence while the rest of the reply is still being written.
// English and Hindi: `.`, `?`, `!`, `…` and the danda `।`; "Mr.", "Rs." and "2.5" do not end one.

/** How the splitter cuts. */
export interface SentenceSplitterOptions {
  /** A sentence longer than this many characters is cut at its last comma or space, so TTS
   * never waits on a run-on sentence (default 240). */
  maxChars?: number;
  /** A sentence shorter than this many characters ("Great.") is held and spoken together with
   * the next one, so playback does not stop after it while the next is still being written
   * (default 16; 0 turns it off). */
  minChars?: number;
}

/** Words that end in a full stop without ending the sentence (compared lowercase). */
const abbreviations = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'rs',
  'inr',
  'approx',
  'ltd',
  'pvt',
  'co',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'a.m',
  'p.m',
  'no',
  'nos',
  'sq',
  'ft',
]);

/** Abbreviations that only stand before a number ("No. 5"); elsewhere they end a sentence. */
const beforeNumberOnly = new Set(['no', 'nos']);

const terminators = new Set(['.', '?', '!', '…', '।', '॥']);
const closers = new Set(['"', "'", ')', ']', '”', '’']);

/**
 * Splits streamed text into sentences. `push` returns the sentences a delta completed; `flush`
 * returns what is left at the end of the stream.
 *
 * A terminator ends a sentence only once what follows it is known (whitespace, then a letter
 * that is not lowercase), because a delta ending in "2." may go on with "5 lakh" in the next.
 */
export class SentenceSplitter {
  private buffer = '';
  /** Short sentences held back to be joined with the next one. */
  private held = '';
  private readonly maxChars: number;
  private readonly minChars: number;

  constructor(options: SentenceSplitterOptions = {}) {
    this.maxChars = options.maxChars ?? 240;
    this.minChars = options.minChars ?? 16;
    if (!(this.maxChars >= 20)) throw new RangeError('maxChars: must be at least 20');
    if (!(this.minChars >= 0 && this.minChars < this.maxChars)) {
      throw new RangeError('minChars: must be from 0 to below maxChars');
    }
  }

  /** Adds a delta; returns the sentences it completed, trimmed, in order. */
  push(delta: string): string[] {
    this.buffer += delta;
    const sentences: string[] = [];

    for (let end = this.nextBoundary(); end > 0; end = this.nextBoundary()) {
      this.take(end, sentences);
    }

    while (this.buffer.length > this.maxChars) this.take(this.softBoundary(), sentences);

    return sentences;
  }

  /** Ends the stream: returns the rest as a last sentence (or nothing when only spaces remain). */
  flush(): string[] {
    const rest = joinSentences(this.held, this.buffer.trim());
    this.buffer = '';
    this.held = '';

    return rest ? [rest] : [];
  }

  /** Drops what was buffered (the turn was cancelled). */
  reset(): void {
    this.buffer = '';
    this.held = '';
  }

  private take(end: number, into: string[]): void {
    const sentence = joinSentences(this.held, this.buffer.slice(0, end).trim());
    this.buffer = this.buffer.slice(end);
    this.held = '';

    // Why hold: a reply that opens with "Great." would otherwise play half a second of audio
    // and then go quiet while the LLM writes the next sentence and TTS speaks it.
    if (sentence.length < this.minChars) this.held = sentence;
    else if (sentence) into.push(sentence);
  }

  /** Index just past the first sentence end whose following character is known, or -1. */
  private nextBoundary(): number {
    const text = this.buffer;

    for (let i = 0; i < text.length; i += 1) {
      if (!terminators.has(text[i] ?? '')) continue;

      let end = i + 1;
      while (
        end < text.length &&
        (terminators.has(text[end] ?? '') || closers.has(text[end] ?? ''))
      ) {
        end += 1;
      }

      if (end >= text.length) return -1;

      if (!/\s/.test(text[end] ?? '')) {
        i = end - 1;
        continue;
      }

      // The next sentence's first letter must be known: a lowercase one means the text goes
      // on ('"Really?" he asked.'); capitals, digits and uncased scripts (Devanagari) start one.
      const next = /\S/.exec(text.slice(end));
      if (!next) return -1;
      if (/\p{Ll}/u.test(next[0])) {
        i = end - 1;
        continue;
      }

      if (text[i] === '.' && end === i + 1) {
        const verdict = abbreviationAt(text, i, end);
        if (verdict === 'unknown') return -1;
        if (verdict === 'yes') continue;
      }

      return end;
    }

    return -1;
  }

  /** Where to cut a run-on sentence: after its last comma, else its last space, else maxChars. */
  private softBoundary(): number {
    const head = this.buffer.slice(0, this.maxChars);
    const comma = Math.max(head.lastIndexOf(','), head.lastIndexOf(';'));
    if (comma > this.maxChars / 3) return comma + 1;

    const space = head.lastIndexOf(' ');
    return space > this.maxChars / 3 ? space : this.maxChars;
  }
}

/** Joins a held short sentence to the one after it. */
function joinSentences(held: string, sentence: string): string {
  if (!held) return sentence;

  return sentence ? `${held} ${sentence}` : held;
}

/** Splits a whole text at once (the splitter fed one delta, then flushed). */
export function splitSentences(text: string, options?: SentenceSplitterOptions): string[] {
  const splitter = new SentenceSplitter(options);

  return [...splitter.push(text), ...splitter.flush()];
}

/**
 * Whether the full stop at `dot` closes an abbreviation or an initial rather than the sentence;
 * 'unknown' when that depends on a word that has not streamed in yet.
 */
function abbreviationAt(text: string, dot: number, end: number): 'yes' | 'no' | 'unknown' {
  const word = /([\p{L}.]+)$/u.exec(text.slice(0, dot))?.[1] ?? '';
  const lower = word.toLowerCase();
  const after = text.slice(end).trimStart();
  const initial = /^\p{Lu}$/u.test(word);

  if (abbreviations.has(lower) && !beforeNumberOnly.has(lower)) return 'yes';

  if (!initial && !beforeNumberOnly.has(lower)) return 'no';

  if (after === '') return 'unknown';

  // "No. 5" is a number sign; a single capital before a full stop is an initial ("A. K. Sharma").
  const kept = initial ? /^\p{Lu}/u.test(after) : /^\d/.test(after);
  return kept ? 'yes' : 'no';
}
