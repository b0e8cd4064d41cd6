// The parent side of DSP: collects every call's frames, and once per tick sends them to the
// worker threads in at most one batch per worker. Each call's DSP state lives here, in the
// parent, as one fixed-size record of bytes (wire.ts) and is copied into each batch with its
// frames, so any worker can take any call and a crashed worker costs its calls only the frames
// of the batch it held. A batch and its answer are single transferred ArrayBuffers.
import { availableParallelism } from 'node:os';

import { Piscina } from 'piscina';
import { pino, type Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';

import { resolveVadOptions, type ResolvedVadOptions, type VadOptions } from '../audio/vad.js';
import type { DspAnswer, DspBatch } from './messages.js';
import {
  ANSWER_INDEX_HEAD,
  ANSWER_INDEX_PER_STREAM,
  answerStatesOffset,
  batchBytes,
  batchStatesOffset,
  STATE_BYTES,
  viewFeatures,
  type FeatureViews,
} from './wire.js';

/** Features of one 20 ms frame of caller audio. */
export interface DspFrameFeatures {
  /** Mean power in dBFS (-100 for digital silence). */
  energyDb: number;
  /** Inside speech, after the minimum speech and silence durations: what barge-in reads. */
  speech: boolean;
  /** The frame alone looks like voice (WebRTC VAD and the energy floor), before the gate. */
  voiced: boolean;
}

/** What a call gets back for one tick. */
export interface DspResult {
  /** The tick's audio at 16 kHz mono PCM16, sample-continuous with the previous result. */
  pcm16k: Int16Array;
  /** One entry per 20 ms of 8 kHz input, in order. */
  frames: DspFrameFeatures[];
  /** performance.now() time the first frame of this result was received (for frame latency). */
  firstFrameReceivedAtMs: number;
  /** threadId of the worker that processed this tick (diagnostics). */
  threadId: number;
}

/** A call's handle on the pool. */
export interface DspStream {
  /** Queues one frame of μ-law (copied) received at `receivedAtMs` (performance.now() ms). */
  pushFrame(muLaw: Uint8Array, receivedAtMs: number): void;
  /** Stops the call: queued frames are dropped and no more results arrive. Idempotent. */
  close(): void;
}

/** Options of the pool. */
export interface DspPoolOptions {
  /** Worker threads; default: available cores minus one (the event loop's), at least 1. */
  threads?: number;
  /** Registry for the pool's metrics; default: a private one. */
  registry?: Registry;
  /** Batch period in ms; default 20, one Twilio frame. */
  tickMs?: number;
  /** Voice activity settings for every call. */
  vad?: VadOptions;
  /** Logger; default: pino at info to stdout. */
  log?: Logger;
  /**
   * Frames a call may queue while its previous batch is out, before the oldest drop; default 50.
   */
  maxQueuedFrames?: number;
  /** Called when a worker fails (with a batch in hand or idle), after the failure is counted. */
  onWorkerFailure?: () => void;
}

/** Error codes of the pool. */
export type DspErrorCode = 'DSP_POOL_CLOSED' | 'DSP_STREAM_EXISTS';

/** An error of the pool, with a stable code. */
export class DspError extends Error {
  /** Stable code for callers to branch on. */
  readonly code: DspErrorCode;

  constructor(code: DspErrorCode, message: string) {
    super(message);
    this.name = 'DspError';
    this.code = code;
  }
}

const DEFAULT_TICK_MS = 20;
const DEFAULT_MAX_QUEUED_FRAMES = 50;

interface PoolMetrics {
  batchFrames: Histogram;
  batchSeconds: Histogram;
  workerFailures: Counter;
  framesDropped: Counter<'reason'>;
}

/** A pool of DSP worker threads shared by every call of the process. */
export class DspPool {
  readonly #piscina: Piscina<DspBatch, DspAnswer>;
  readonly #streams = new Map<string, PoolStream>();
  readonly #threads: number;
  readonly #tickMs: number;
  readonly #vad: ResolvedVadOptions;
  readonly #log: Logger;
  readonly #metrics: PoolMetrics;
  readonly #maxQueuedFrames: number;
  readonly #onWorkerFailure: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tickCount = 0;
  #exitNextBatch = false;
  #closing: Promise<void> | undefined;

  constructor(options: DspPoolOptions = {}) {
    this.#threads = positiveInteger('threads', options.threads ?? defaultThreads());
    this.#tickMs = positiveNumber('tickMs', options.tickMs ?? DEFAULT_TICK_MS);
    this.#maxQueuedFrames = positiveInteger(
      'maxQueuedFrames',
      options.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES,
    );
    this.#onWorkerFailure = options.onWorkerFailure;
    this.#vad = resolveVadOptions(options.vad);
    this.#log = (options.log ?? pino()).child({ component: 'dsp' });
    this.#metrics = createMetrics(options.registry ?? new Registry());

    this.#piscina = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.#threads,
      maxThreads: this.#threads,
      // Workers live as long as the pool: a cold start (wasm instantiation) costs far more
      // than a tick, so an idle worker is never retired.
      idleTimeout: Number.POSITIVE_INFINITY,
      // One batch at a time per worker: a second one would only wait behind the first.
      concurrentTasksPerWorker: 1,
    });

    // A worker that dies with no batch in hand surfaces here rather than on a task; piscina
    // replaces it. Without a listener the error would take the process down.
    this.#piscina.on('error', (err: unknown) => {
      this.#metrics.workerFailures.inc();
      this.#log.warn({ err }, 'dsp worker failed while idle; replaced');
      this.#onWorkerFailure?.();
    });
  }

  /** Worker threads in the pool. */
  get threads(): number {
    return this.#threads;
  }

  /** Registers a call; `onResult` gets its audio and features once per tick that had frames. */
  openStream(streamId: string, onResult: (result: DspResult) => void): DspStream {
    if (this.#closing !== undefined) {
      throw new DspError('DSP_POOL_CLOSED', 'the DSP pool is closed');
    }
    if (this.#streams.has(streamId)) {
      throw new DspError('DSP_STREAM_EXISTS', `stream ${streamId} is already open`);
    }

    const stream = new PoolStream(onResult, this.#maxQueuedFrames, this.#metrics, () =>
      this.#forget(streamId),
    );
    this.#streams.set(streamId, stream);
    this.#startTicking();
    return stream;
  }

  /**
   * Fault injection for crash tests: the next batch sent makes its worker exit, as a worker
   * dies on a wasm abort. The pool must replace it and its calls must lose only that batch.
   */
  crashNextBatch(): void {
    this.#exitNextBatch = true;
  }

  /** Stops ticking, closes every stream and terminates the workers. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();

    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#stopTicking();
    for (const stream of [...this.#streams.values()]) stream.close();

    await this.#piscina.destroy();
  }

  #forget(streamId: string): void {
    this.#streams.delete(streamId);
    if (this.#streams.size === 0) this.#stopTicking();
  }

  #startTicking(): void {
    if (this.#timer !== undefined) return;

    // setInterval does not accumulate drift in Node (each run is scheduled from the previous
    // due time), and a late tick only makes one batch bigger, so no clock correction is needed.
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  #stopTicking(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const ready = [...this.#streams.values()].filter((stream) => stream.isReady);
    if (ready.length === 0) return;

    this.#tickCount++;
    const groups = splitIntoGroups(ready, this.#threads, this.#tickCount);
    for (const group of groups) this.#dispatch(group);
  }

  #dispatch(group: PoolStream[]): void {
    const buffer = this.#packBatch(group);
    const frameCount = group.reduce((sum, stream) => sum + stream.takenFrames, 0);
    const batch: DspBatch = { buffer, vad: this.#vad };

    if (this.#exitNextBatch) {
      this.#exitNextBatch = false;
      batch.exitWorker = true;
    }

    this.#metrics.batchFrames.observe(frameCount);
    const stopTimer = this.#metrics.batchSeconds.startTimer();
    this.#piscina.run(batch, { transferList: [buffer] }).then(
      (answer) => {
        stopTimer();
        deliver(group, answer);
      },
      (err: unknown) => {
        if (this.#closing !== undefined) return;

        this.#metrics.workerFailures.inc();
        this.#metrics.framesDropped.inc({ reason: 'worker_failed' }, frameCount);
        this.#log.warn(
          { err, streams: group.length, droppedFrames: frameCount },
          'dsp worker failed; its batch is dropped',
        );
        for (const stream of group) stream.settle(undefined);
        this.#onWorkerFailure?.();
      },
    );
  }

  /** Moves each call's queued μ-law and a copy of its state into one batch buffer. */
  #packBatch(group: PoolStream[]): ArrayBuffer {
    const lengths = group.map((stream) => stream.queuedBytes);
    const buffer = new ArrayBuffer(batchBytes(lengths));
    const index = new Uint32Array(buffer, 0, 1 + 2 * group.length);
    const statesOffset = batchStatesOffset(group.length);

    index[0] = group.length;
    let muLawOffset = statesOffset + group.length * STATE_BYTES;
    group.forEach((stream, i) => {
      const muLawBytes = lengths[i] ?? 0;
      index[1 + 2 * i] = muLawOffset;
      index[2 + 2 * i] = muLawBytes;
      stream.takeWork(buffer, statesOffset + i * STATE_BYTES, muLawOffset);
      muLawOffset += muLawBytes;
    });
    return buffer;
  }
}

/** One call's share of an answer, as views on the answer buffer. */
interface StreamAnswer {
  pcm16k: Int16Array;
  features: FeatureViews;
  state: Uint8Array;
}

function deliver(group: PoolStream[], answer: DspAnswer): void {
  const head = new Uint32Array(answer, 0, ANSWER_INDEX_HEAD);
  const threadId = head[0] ?? 0;
  const streamCount = head[1] ?? 0;
  const index = new Uint32Array(
    answer,
    0,
    ANSWER_INDEX_HEAD + ANSWER_INDEX_PER_STREAM * streamCount,
  );
  const statesOffset = answerStatesOffset(streamCount);

  group.forEach((stream, i) => {
    const at = ANSWER_INDEX_HEAD + ANSWER_INDEX_PER_STREAM * i;
    stream.settle(
      {
        pcm16k: new Int16Array(answer, index[at] ?? 0, index[at + 1] ?? 0),
        features: viewFeatures(answer, index[at + 2] ?? 0, index[at + 3] ?? 0),
        state: new Uint8Array(answer, statesOffset + i * STATE_BYTES, STATE_BYTES),
      },
      threadId,
    );
  });
}

// Spreads the ready calls over at most one batch per worker. The offset moves every tick so a
// call does not stick to one worker: state continuity never depends on which thread runs it.
function splitIntoGroups(ready: PoolStream[], threads: number, tick: number): PoolStream[][] {
  const groupCount = Math.min(threads, ready.length);
  const groups: PoolStream[][] = Array.from({ length: groupCount }, () => []);

  ready.forEach((stream, index) => groups[(index + tick) % groupCount]?.push(stream));
  return groups;
}

/** Initial room of a call's frame queue: eight 20 ms frames of 8 kHz μ-law. */
const INITIAL_QUEUE_BYTES = 8 * 160;

/** One call inside the pool: its queued frames and its DSP state between batches. */
class PoolStream implements DspStream {
  readonly #onResult: (result: DspResult) => void;
  readonly #maxQueuedFrames: number;
  readonly #metrics: PoolMetrics;
  readonly #onClose: () => void;
  /** Queued μ-law, frames back to back; grown, never shrunk. */
  #queue = new Uint8Array(INITIAL_QUEUE_BYTES);
  #queuedBytes = 0;
  /** Byte length of each queued frame, oldest first (to drop the oldest when full). */
  #frameBytes: number[] = [];
  #firstReceivedAtMs = 0;
  /** The state record; all zeros (not started) until the first delivered batch. */
  readonly #state = new Uint8Array(STATE_BYTES);
  #inFlight = false;
  #inFlightReceivedAtMs = 0;
  #takenFrames = 0;
  #closed = false;

  constructor(
    onResult: (result: DspResult) => void,
    maxQueuedFrames: number,
    metrics: PoolMetrics,
    onClose: () => void,
  ) {
    this.#onResult = onResult;
    this.#maxQueuedFrames = maxQueuedFrames;
    this.#metrics = metrics;
    this.#onClose = onClose;
  }

  /** Has frames and no batch out: a call's batches must not overlap, or state would fork. */
  get isReady(): boolean {
    return !this.#closed && !this.#inFlight && this.#frameBytes.length > 0;
  }

  /** Bytes of μ-law queued for the next batch. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Frames in the batch in flight. */
  get takenFrames(): number {
    return this.#takenFrames;
  }

  pushFrame(muLaw: Uint8Array, receivedAtMs: number): void {
    if (this.#closed) return;

    if (this.#frameBytes.length === 0) this.#firstReceivedAtMs = receivedAtMs;
    // Copied: the caller may reuse its buffer before the tick sends this one.
    this.#reserve(muLaw.byteLength);
    this.#queue.set(muLaw, this.#queuedBytes);
    this.#queuedBytes += muLaw.byteLength;
    this.#frameBytes.push(muLaw.byteLength);

    if (this.#frameBytes.length > this.#maxQueuedFrames) {
      // Limit: a call whose batches fall more than maxQueuedFrames behind loses its oldest
      // frames (and its first-frame time becomes approximate); the alternative is unbounded
      // memory while workers are stalled.
      const dropped = this.#frameBytes.shift() ?? 0;
      this.#queue.copyWithin(0, dropped, this.#queuedBytes);
      this.#queuedBytes -= dropped;
      this.#metrics.framesDropped.inc({ reason: 'queue_full' });
    }
  }

  /**
   * Copies the state and moves the queued frames into `batch` at the given offsets; the call
   * is in flight until settled. The state stays here too, for the case the worker dies.
   */
  takeWork(batch: ArrayBuffer, stateOffset: number, muLawOffset: number): void {
    new Uint8Array(batch, stateOffset, STATE_BYTES).set(this.#state);
    new Uint8Array(batch, muLawOffset, this.#queuedBytes).set(
      this.#queue.subarray(0, this.#queuedBytes),
    );

    this.#takenFrames = this.#frameBytes.length;
    this.#frameBytes = [];
    this.#queuedBytes = 0;
    this.#inFlight = true;
    this.#inFlightReceivedAtMs = this.#firstReceivedAtMs;
  }

  /** Ends the batch in flight: with its answer, or with undefined when the worker failed. */
  settle(answer: StreamAnswer | undefined, threadId = 0): void {
    this.#inFlight = false;
    if (answer === undefined || this.#closed) return;

    // Only a delivered batch advances the state: after a failure the call continues from the
    // state before the lost frames, so it loses audio but never gets garbled history.
    this.#state.set(answer.state);
    this.#onResult({
      // Copied out of the shared answer buffer: a consumer may keep or transfer its own.
      pcm16k: answer.pcm16k.slice(),
      frames: toFeatures(answer.features),
      firstFrameReceivedAtMs: this.#inFlightReceivedAtMs,
      threadId,
    });
  }

  close(): void {
    if (this.#closed) return;

    this.#closed = true;
    this.#frameBytes = [];
    this.#queuedBytes = 0;
    this.#onClose();
  }

  #reserve(bytes: number): void {
    if (this.#queuedBytes + bytes <= this.#queue.length) return;

    const grown = new Uint8Array(Math.max(this.#queue.length * 2, this.#queuedBytes + bytes));
    grown.set(this.#queue.subarray(0, this.#queuedBytes));
    this.#queue = grown;
  }
}

function toFeatures(features: FeatureViews): DspFrameFeatures[] {
  const frames: DspFrameFeatures[] = new Array<DspFrameFeatures>(features.energyDb.length);
  for (let index = 0; index < frames.length; index++) {
    frames[index] = {
      energyDb: features.energyDb[index] ?? 0,
      speech: features.speech[index] === 1,
      voiced: features.voiced[index] === 1,
    };
  }
  return frames;
}

function createMetrics(registry: Registry): PoolMetrics {
  const registers = [registry];

  return {
    batchFrames: new Histogram({
      name: 'media_dsp_batch_frames',
      help: 'Frames in one batch sent to a DSP worker',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'media_dsp_batch_seconds',
      help: 'Time from sending a batch to a DSP worker to its result, in seconds',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
      registers,
    }),
    workerFailures: new Counter({
      name: 'media_dsp_worker_failures_total',
      help: 'DSP worker threads that died or threw; each is replaced',
      registers,
    }),
    framesDropped: new Counter({
      name: 'media_dsp_frames_dropped_total',
      help: 'Caller frames dropped before DSP, by reason',
      labelNames: ['reason'],
      registers,
    }),
  };
}

function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${field} must be an integer >= 1, got ${value}`);
  }
  return value;
}

function positiveNumber(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${field} must be a number > 0, got ${value}`);
  }
  return value;
}
