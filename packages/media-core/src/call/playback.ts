// Bot audio towards Twilio: any-rate PCM in, whole 20 ms μ-law frames out, paced so Twilio's
// buffer holds only a short lead, a `mark` after each chunk, and `clear` for barge-in. From
// the pacing clock and the echoed marks it knows how much of each chunk the caller has heard.
import { EventEmitter } from 'node:events';

import { encodeMuLaw, resample } from '../audio/index.js';
import { buildClearMessage, buildMarkMessage, buildMediaMessage } from '../twilio/build.js';

/** Twilio plays 8 kHz μ-law. */
const TWILIO_SAMPLE_RATE = 8000;

/** One frame: 20 ms, 160 bytes of 8 kHz μ-law; whole frames avoid jitter at Twilio. */
const FRAME_MS = 20;
const FRAME_BYTES = 160;

/** μ-law code of a zero sample, used to pad the last frame of a chunk. */
const MU_LAW_SILENCE = 0xff;

/**
 * Default lead: how far ahead of the caller's ear audio is sent, in ms. 120 ms rides out an
 * event-loop stall or a network hiccup of about that length without a gap, while keeping
 * what Twilio holds small: a `clear` drops it anyway, and a short buffer keeps the heard
 * position estimate tight.
 */
export const DEFAULT_LEAD_MS = 120;

/** Options of a call's playback. */
export interface PlaybackOptions {
  /** Stream id ("MZ…") every outbound message carries. */
  streamSid: string;
  /** Sends one text frame to Twilio. */
  send: (text: string) => void;
  /** Audio sent ahead of the caller's ear, in ms (default DEFAULT_LEAD_MS, at least 20). */
  leadMs?: number;
  /** Monotonic clock in ms; default performance.now. */
  now?: () => number;
}

/** How much of one chunk the caller heard. */
export interface ChunkReport {
  /** Id returned by enqueue(). */
  id: number;
  /** Length of the chunk's audio, in ms. */
  durationMs: number;
  /** Audio of the chunk the caller heard, in ms (estimated unless confirmed). */
  playedMs: number;
  /** Twilio echoed the chunk's mark: all of it was played. */
  confirmed: boolean;
}

/** What clear() reports. */
export interface ClearReport {
  /** Position reached in the audio enqueued since playback was last idle, in ms. */
  playedMs: number;
  /** Every chunk that had not been confirmed, with how much of it was heard. */
  chunks: ChunkReport[];
}

/** Events of a Playback. */
export interface PlaybackEvents {
  /** A chunk's mark came back: the caller heard all of it. */
  chunkPlayed: [report: ChunkReport];
  /** Everything enqueued has been played (confirmed by marks) or cleared. */
  idle: [];
}

/** Error codes of playback. */
export type PlaybackErrorCode = 'PLAYBACK_CLOSED';

/** Errors of playback, with a stable code. */
export class PlaybackError extends Error {
  /** Stable code. */
  readonly code: PlaybackErrorCode;

  constructor(code: PlaybackErrorCode, message: string) {
    super(message);
    this.name = 'PlaybackError';
    this.code = code;
  }
}

interface Chunk {
  id: number;
  markName: string;
  muLaw: Uint8Array;
  frameCount: number;
  durationMs: number;
  sentFrames: number;
  /** Estimated time (monotonic ms) each sent frame starts playing at the caller. */
  playStartsAtMs: number[];
  confirmed: boolean;
}

/** Outbound audio of one call. */
export class Playback extends EventEmitter<PlaybackEvents> {
  readonly #streamSid: string;
  readonly #send: (text: string) => void;
  readonly #leadMs: number;
  readonly #now: () => number;
  /** Chunks with frames still to send, oldest first. */
  #toSend: Chunk[] = [];
  /** Chunks sent at least in part whose mark has not come back, oldest first. */
  #unconfirmed: Chunk[] = [];
  #nextId = 1;
  /** When Twilio's buffer runs dry if nothing more is sent (monotonic ms). */
  #bufferedUntilMs = 0;
  /** How much later than estimated the caller hears audio, learnt from mark echoes, in ms. */
  #lagMs = 0;
  /** Confirmed audio since playback was last idle, in ms. */
  #confirmedMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: PlaybackOptions) {
    super();
    const leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
    if (!Number.isFinite(leadMs) || leadMs < FRAME_MS) {
      throw new RangeError(`leadMs must be a number >= ${FRAME_MS}, got ${leadMs}`);
    }

    this.#streamSid = options.streamSid;
    this.#send = options.send;
    this.#leadMs = leadMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** True while audio is queued, or sent and not yet confirmed heard. */
  get isPlaying(): boolean {
    return this.#toSend.length > 0 || this.#unconfirmed.length > 0;
  }

  /** Queues PCM16 mono at `sampleRate` Hz; returns the chunk id its reports will carry. */
  enqueue(pcm: Int16Array, sampleRate: number): number {
    if (this.#closed) throw new PlaybackError('PLAYBACK_CLOSED', 'playback is closed');
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
      throw new RangeError(`sampleRate must be a positive integer (Hz), got ${sampleRate}`);
    }

    if (pcm.length === 0) throw new RangeError('pcm must hold at least one sample');

    const pcm8k = sampleRate === TWILIO_SAMPLE_RATE ? pcm : resample(pcm, sampleRate, 8000);
    const chunk = toChunk(this.#nextId++, pcm8k);
    this.#toSend.push(chunk);
    this.#pump();

    return chunk.id;
  }

  /** Twilio echoed mark `name`; marks not sent by this playback (or cleared) are ignored. */
  onMark(name: string): void {
    const index = this.#unconfirmed.findIndex((chunk) => chunk.markName === name);
    if (index < 0) return;

    // Twilio plays in order, so every chunk before the echoed one has been heard too.
    const heard = this.#unconfirmed.splice(0, index + 1);
    const last = heard.at(-1);
    if (last !== undefined) this.#learnLag(last);

    for (const chunk of heard) {
      chunk.confirmed = true;
      this.#confirmedMs += chunk.durationMs;
      this.emit('chunkPlayed', report(chunk, chunk.durationMs));
    }
    this.#emitIdleIfDone();
  }

  /**
   * Barge-in: sends `clear`, drops everything not yet sent, and reports how much the caller
   * heard. The report comes from the pacing clock corrected by the marks seen so far; it does
   * not wait for marks, since Twilio may never echo those whose audio the clear dropped.
   */
  clear(): ClearReport {
    const now = this.#now();
    const cut = [...this.#unconfirmed, ...this.#toSend.filter((c) => c.sentFrames === 0)];
    const chunks = cut.map((chunk) => report(chunk, this.#heardMs(chunk, now)));
    const playedMs = this.#confirmedMs + chunks.reduce((sum, chunk) => sum + chunk.playedMs, 0);

    if (!this.#closed) this.#send(buildClearMessage(this.#streamSid));
    this.#reset(now);
    this.emit('idle');

    return { playedMs, chunks };
  }

  /** Stops pacing and drops all audio (sends nothing). Idempotent. */
  close(): void {
    if (this.#closed) return;

    this.#closed = true;
    this.#reset(this.#now());
  }

  #reset(now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#toSend = [];
    this.#unconfirmed = [];
    this.#confirmedMs = 0;
    this.#bufferedUntilMs = now;
  }

  // Sends frames while Twilio holds less than the lead, then sleeps until it will again. The
  // next wake-up is computed from #bufferedUntilMs, an absolute time on the monotonic clock
  // that advances exactly 20 ms per frame, so late timers never add up to drift.
  #pump(): void {
    this.#timer = undefined;
    const now = this.#now();

    while (this.#toSend.length > 0 && this.#bufferedUntilMs - now < this.#leadMs) {
      this.#sendFrame(now);
    }

    if (this.#toSend.length > 0) {
      const wakeInMs = Math.max(0, this.#bufferedUntilMs - this.#leadMs - now);
      this.#timer = setTimeout(() => this.#pump(), wakeInMs);
    }
  }

  #sendFrame(now: number): void {
    const chunk = this.#toSend[0];
    if (chunk === undefined) return;

    const offset = chunk.sentFrames * FRAME_BYTES;
    const startsAtMs = Math.max(this.#bufferedUntilMs, now);
    this.#send(
      buildMediaMessage(this.#streamSid, chunk.muLaw.subarray(offset, offset + FRAME_BYTES)),
    );
    chunk.playStartsAtMs.push(startsAtMs);
    this.#bufferedUntilMs = startsAtMs + FRAME_MS;

    if (chunk.sentFrames === 0) this.#unconfirmed.push(chunk);
    chunk.sentFrames++;
    if (chunk.sentFrames === chunk.frameCount) {
      // Twilio echoes this once the audio queued before it has played.
      this.#send(buildMarkMessage(this.#streamSid, chunk.markName));
      this.#toSend.shift();
    }
  }

  /** Heard part of a chunk at `now`: frames whose estimated (lag-corrected) start has passed. */
  #heardMs(chunk: Chunk, now: number): number {
    if (chunk.confirmed) return chunk.durationMs;

    let heardMs = 0;
    for (const startsAtMs of chunk.playStartsAtMs) {
      heardMs += Math.min(FRAME_MS, Math.max(0, now - (startsAtMs + this.#lagMs)));
    }
    return Math.min(heardMs, chunk.durationMs);
  }

  // The echo of a chunk's mark arrives after its last frame played plus the trip back; the
  // difference from the estimate is how late the caller hears what we send (network, Twilio
  // buffering). Using the latest observation keeps the estimate current as the route changes.
  #learnLag(chunk: Chunk): void {
    const lastStart = chunk.playStartsAtMs.at(-1);
    if (lastStart === undefined) return;

    this.#lagMs = Math.max(0, this.#now() - (lastStart + FRAME_MS));
  }

  #emitIdleIfDone(): void {
    if (this.isPlaying) return;

    this.#confirmedMs = 0;
    this.emit('idle');
  }
}

function toChunk(id: number, pcm8k: Int16Array): Chunk {
  const frameCount = Math.ceil(pcm8k.length / FRAME_BYTES);
  const muLaw = new Uint8Array(frameCount * FRAME_BYTES).fill(MU_LAW_SILENCE);
  encodeMuLaw(pcm8k, muLaw);

  return {
    id,
    markName: `chunk-${id}`,
    muLaw,
    frameCount,
    durationMs: (pcm8k.length * 1000) / TWILIO_SAMPLE_RATE,
    sentFrames: 0,
    playStartsAtMs: [],
    confirmed: false,
  };
}

function report(chunk: Chunk, playedMs: number): ChunkReport {
  return { id: chunk.id, durationMs: chunk.durationMs, playedMs, confirmed: chunk.confirmed };
}
