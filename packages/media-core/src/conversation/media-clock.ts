// Timers on the call's media clock (Twilio's timestamps of caller audio, which arrives every
// 20 ms, silence included). Barge-in windows are judged in caller audio time, like the VAD,
// so they mean the same thing whether the call runs in real time or faster in a test.

interface Timer {
  atMs: number;
  run: () => void;
}

/** A call's media-clock timers, advanced by each tick of caller audio. */
export class MediaClock {
  private nowMs = 0;
  private timers: Timer[] = [];

  /** Media clock now, in ms. */
  get ms(): number {
    return this.nowMs;
  }

  /** Runs `run` once the media clock reaches now + `delayMs`; returns a cancel function. */
  after(delayMs: number, run: () => void): () => void {
    const timer = { atMs: this.nowMs + delayMs, run };
    this.timers.push(timer);

    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves the clock to `mediaMs` and runs the timers that came due, in order. */
  advance(mediaMs: number): void {
    this.nowMs = Math.max(this.nowMs, mediaMs);
    const due = this.timers.filter((t) => t.atMs <= this.nowMs);
    if (due.length === 0) return;

    this.timers = this.timers.filter((t) => t.atMs > this.nowMs);
    for (const timer of due.sort((a, b) => a.atMs - b.atMs)) timer.run();
  }

  /** Drops every timer. */
  clear(): void {
    this.timers = [];
  }
}
