// How much of a sentence the caller heard, from how much of its audio played.

/**
 * The words of `text` the caller heard when `playedMs` of its `durationMs` of audio played.
 * Limit: speech is taken as spread evenly over the characters (TTS gives no word timings), so
 * the cut can be off by a word or two on sentences with long pauses or uneven pace; a word is
 * kept only when all of its characters fall within the heard share.
 */
export function heardPrefix(text: string, durationMs: number, playedMs: number): string {
  if (durationMs <= 0 || playedMs <= 0) return '';
  if (playedMs >= durationMs) return text;

  const heardChars = Math.floor((text.length * playedMs) / durationMs);
  let end = 0;
  for (const match of text.matchAll(/\S+/g)) {
    const wordEnd = match.index + match[0].length;
    if (wordEnd > heardChars) break;
    end = wordEnd;
  }

  return text.slice(0, end);
}

/** Joins sentences (or parts) into one message, one space apart. */
export function joinSpoken(parts: string[]): string {
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}
