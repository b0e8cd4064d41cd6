// The caller's side of a bidirectional stream's outbound audio, as Twilio plays it: a buffer
// that the call's clock drains by one 20 ms frame per tick, marks echoed once the audio queued
// before them has played, and `clear` that empties the buffer. It records what was heard.

/** 20 ms of 8 kHz μ-law. */
export const FRAME_BYTES = 160;

/** Duration of one frame in ms. */
export const FRAME_MS = 20;

/** μ-law code of silence (a zero sample). */
export const MU_LAW_SILENCE = 0xff;

/** What one tick of the caller's ear did. */
export interface EarTick {
  /** The 20 ms the caller heard (bot audio, padded with silence, or silence). */
  frame: Uint8Array;
  /** The frame held bot audio. */
  hadAudio: boolean;
  /** Marks whose audio has now all played, in the order the server sent them. */
  echoedMarks: string[];
}

interface PendingMark {
  name: string;
  /** Byte position in the received audio the mark follows. */
  atByte: number;
}

/** Buffer and recorder of the audio the server sends to the caller. */
export class CallerEar {
  #segments: Uint8Array[] = [];
  #bufferedBytes = 0;
  #receivedBytes = 0;
  #playedBytes = 0;
  #marks: PendingMark[] = [];
  readonly #heard: Uint8Array[] = [];

  /** Audio waiting to play, in ms. */
  get bufferedMs(): number {
    return (this.#bufferedBytes / FRAME_BYTES) * FRAME_MS;
  }

  /** Appends server audio (μ-law bytes of a `media` message). */
  receive(muLaw: Uint8Array): void {
    if (muLaw.length === 0) return;

    this.#segments.push(muLaw);
    this.#bufferedBytes += muLaw.length;
    this.#receivedBytes += muLaw.length;
  }

  /** Queues a mark behind the audio received so far. */
  mark(name: string): void {
    this.#marks.push({ name, atByte: this.#receivedBytes });
  }

  /**
   * Drops the buffered audio; returns the dropped duration in ms and the marks it held.
   * Whether Twilio then echoes those marks is the caller's choice (see `marksOnClear`).
   */
  clear(): { droppedMs: number; marks: string[] } {
    const droppedMs = this.bufferedMs;
    const marks = this.#marks.map((mark) => mark.name);

    this.#segments = [];
    this.#bufferedBytes = 0;
    this.#playedBytes = this.#receivedBytes;
    this.#marks = [];
    return { droppedMs, marks };
  }

  /** Plays one 20 ms frame: the next buffered audio, or silence. */
  tick(): EarTick {
    const frame = new Uint8Array(FRAME_BYTES).fill(MU_LAW_SILENCE);
    const taken = this.#take(frame);
    this.#playedBytes += taken;
    this.#heard.push(frame);

    const echoedMarks: string[] = [];
    while (this.#marks[0] !== undefined && this.#marks[0].atByte <= this.#playedBytes) {
      echoedMarks.push(this.#marks[0].name);
      this.#marks.shift();
    }
    return { frame, hadAudio: taken > 0, echoedMarks };
  }

  /** Everything the caller heard so far, one frame per tick, as 8 kHz μ-law. */
  heard(): Uint8Array {
    return Buffer.concat(this.#heard);
  }

  #take(frame: Uint8Array): number {
    let filled = 0;
    while (filled < FRAME_BYTES && this.#segments.length > 0) {
      const segment = this.#segments[0] as Uint8Array;
      const count = Math.min(FRAME_BYTES - filled, segment.length);

      frame.set(segment.subarray(0, count), filled);
      filled += count;
      if (count === segment.length) this.#segments.shift();
      else this.#segments[0] = segment.subarray(count);
    }

    this.#bufferedBytes -= filled;
    return filled;
  }
}
