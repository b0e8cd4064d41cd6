// Word accounting for the failover bench; the call audio, the VAD feeder and the emulators are
// the emulators package's speech harness, shared with the failover tests.
/** Words missing from `got` and words it has too many of, against `expected` (multisets). */
export function wordDiff(expected: string[], got: string[]): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const w of expected) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of got) counts.set(w, (counts.get(w) ?? 0) - 1);

  let lost = 0;
  let duplicated = 0;
  for (const n of counts.values()) {
    if (n > 0) lost += n;
    else duplicated -= n;
  }

  return { lost, duplicated };
}
