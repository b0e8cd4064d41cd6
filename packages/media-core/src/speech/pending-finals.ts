// Utterances the caller has finished that no final transcript has answered yet, oldest first.
// The failover recognizer's stall timer watches the oldest; a slow provider may still owe the
// previous utterance's final when the next one ends, and both must be waited for.

/** One finished utterance waiting for its final. */
export interface PendingEnd {
  /** Call sample at which the VAD ended the utterance. */
  sample: number;
  /** When the utterance ended (`performance.now()`), for recognition latency. */
  endedAtMs: number;
  /** Since when its provider has owed the final: the end, or the last failover's replay. */
  waitFromMs: number;
}

/** The utterances owed a final, in call order. */
export class PendingFinals {
  private ends: PendingEnd[] = [];

  /** @param slackSamples how far past a final's end a merged later utterance may have ended */
  constructor(private readonly slackSamples: number) {}

  /** Utterances still owed a final. */
  get size(): number {
    return this.ends.length;
  }

  /** The utterance owed a final longest, if any. */
  get oldest(): PendingEnd | undefined {
    return this.ends[0];
  }

  /** Records an utterance the VAD ended at `sample`. */
  add(sample: number, nowMs: number): void {
    this.ends.push({ sample, endedAtMs: nowMs, waitFromMs: nowMs });
  }

  /**
   * A final answers the oldest utterance, and any later one that ended no later than the
   * final's end plus the slack (a provider that merged them into one result). Returns the
   * oldest it answered, or undefined when none was owed.
   */
  answer(endSample: number | undefined): PendingEnd | undefined {
    const answered = this.ends.shift();
    if (answered === undefined || endSample === undefined) return answered;

    const limit = endSample + this.slackSamples;
    while (this.ends[0] !== undefined && this.ends[0].sample <= limit) this.ends.shift();

    return answered;
  }

  /** A new provider was given the held audio now: every wait starts again. */
  restartWaits(nowMs: number): void {
    for (const end of this.ends) end.waitFromMs = nowMs;
  }

  /** Forgets every owed final (the audio they concern is gone). */
  clear(): void {
    this.ends = [];
  }
}
