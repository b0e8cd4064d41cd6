/** A VAD boundary recorded at a sample position. */
export interface VadMark {
  /** Absolute sample position (samples written since the buffer was created). */
  sample: number;
  /** Which boundary. */
  kind: 'speechStart' | 'speechEnd';
}

/** Something audio and VAD boundaries can be replayed into (a recognizer). */
export interface ReplayTarget {
  /** Takes one chunk of PCM. */
  write(pcm: Int16Array): void;
  /** Speech began at the current position. */
  speechStarted(): void;
  /** Speech ended at the current position. */
  speechEnded(): void;
}

/** Options of a ReplayBuffer. */
export interface ReplayBufferOptions {
  /** Most audio kept, in ms; older audio is overwritten. */
  maxMs: number;
  /** Sample rate of the PCM, in Hz. */
  sampleRate: number;
}

/**
 * A bounded ring of the most recent PCM, addressed by absolute sample position, with the VAD
 * boundaries that fell inside it. Holds the audio not yet covered by a final transcript, so it
 * can be replayed into another stream or provider.
 */
export class ReplayBuffer {
  /** Absolute position one past the newest sample. */
  endSample = 0;
  /** Samples overwritten before they were released: audio a replay can no longer give. */
  overflowSamples = 0;

  private readonly ring: Int16Array;
  private start = 0;
  private marks: VadMark[] = [];

  constructor(options: ReplayBufferOptions) {
    if (!(options.maxMs > 0)) throw new RangeError('maxMs must be a positive number of ms');

    this.ring = new Int16Array(Math.ceil((options.maxMs * options.sampleRate) / 1000));
  }

  /** Absolute position of the oldest sample still held. */
  get startSample(): number {
    return this.start;
  }

  /** Number of samples held. */
  get length(): number {
    return this.endSample - this.start;
  }

  /** Appends PCM; past capacity the oldest samples are overwritten (and counted). */
  append(pcm: Int16Array): void {
    const capacity = this.ring.length;
    const src = pcm.length > capacity ? pcm.subarray(pcm.length - capacity) : pcm;
    const skipped = pcm.length - src.length;

    this.copyIn(src, this.endSample + skipped);
    this.endSample += pcm.length;

    const excess = this.length - capacity;
    if (excess > 0) {
      this.overflowSamples += excess;
      this.release(this.endSample - capacity);
    }
  }

  /** Records a VAD boundary at the current end. */
  mark(kind: VadMark['kind']): void {
    this.marks.push({ sample: this.endSample, kind });
  }

  /** Releases everything before `sample` (audio a final transcript now covers). */
  release(sample: number): void {
    const to = Math.min(Math.max(sample, this.start), this.endSample);

    this.start = to;
    this.marks = this.marks.filter((m) => m.sample >= to);
  }

  /** The held audio from `fromSample` (default: the oldest held) as one contiguous copy. */
  read(fromSample = this.start): Int16Array {
    const from = Math.min(Math.max(fromSample, this.start), this.endSample);
    const out = new Int16Array(this.endSample - from);
    const capacity = this.ring.length;

    for (let done = 0; done < out.length;) {
      const at = (from + done) % capacity;
      const n = Math.min(out.length - done, capacity - at);
      out.set(this.ring.subarray(at, at + n), done);
      done += n;
    }

    return out;
  }

  /** VAD boundaries at or after `fromSample`, oldest first. */
  marksFrom(fromSample = this.start): VadMark[] {
    return this.marks.filter((m) => m.sample >= fromSample);
  }

  /**
   * Writes the held audio into `target` in chunks of at most `chunkSamples`, replaying each
   * VAD boundary at its position, so the target sees what it would have seen live.
   */
  replayInto(target: ReplayTarget, chunkSamples: number, fromSample = this.start): void {
    const from = Math.max(fromSample, this.start);
    const pcm = this.read(from);
    const marks = this.marksFrom(from);
    let pos = 0;

    for (const m of marks) {
      pos = writeChunks(target, pcm, pos, m.sample - from, chunkSamples);
      if (m.kind === 'speechStart') target.speechStarted();
      else target.speechEnded();
    }

    writeChunks(target, pcm, pos, pcm.length, chunkSamples);
  }

  private copyIn(src: Int16Array, atSample: number): void {
    const capacity = this.ring.length;

    for (let done = 0; done < src.length;) {
      const at = (atSample + done) % capacity;
      const n = Math.min(src.length - done, capacity - at);
      this.ring.set(src.subarray(done, done + n), at);
      done += n;
    }
  }
}

function writeChunks(
  target: ReplayTarget,
  pcm: Int16Array,
  from: number,
  to: number,
  chunkSamples: number,
): number {
  for (let at = from; at < to; at += chunkSamples) {
    target.write(pcm.slice(at, Math.min(to, at + chunkSamples)));
  }

  return Math.max(from, to);
}
