// The parts a session uses but does not own, as the interfaces it needs of them: the DSP pool
// (src/dsp/pool.ts) and playback (src/call/playback.ts). main.ts passes the real ones.
import type { DspResult, DspStream } from '../dsp/pool.js';

export type { DspFrameFeatures, DspResult, DspStream } from '../dsp/pool.js';

/** Opens a call's stream on the DSP pool (DspPool.openStream fits). */
export interface DspOpener {
  /** Registers `streamId`; `onResult` gets its 16 kHz PCM and features once per tick. */
  openStream(streamId: string, onResult: (result: DspResult) => void): DspStream;
}

/** Paced outbound audio with marks and clear (what the session needs of Playback). */
export interface SessionPlayback {
  /** Queues PCM at `sampleRate` Hz; returns the chunk id. */
  enqueue(pcm: Int16Array, sampleRate: number): number;
  /** Twilio echoed the mark `name`. */
  onMark(name: string): void;
  /** Drops what has not played (sends `clear`); returns how much the caller heard, in ms. */
  clear(): { playedMs: number };
  /** True while audio is queued or playing. */
  readonly isPlaying: boolean;
  /** Stops pacing and drops the queue. Idempotent. */
  close(): void;
}

/** Builds a call's playback once `start` gave its streamSid. */
export type PlaybackFactory = (options: {
  streamSid: string;
  send: (text: string) => void;
}) => SessionPlayback;
