// The parent side of DSP: collects every call's frames, and once per tick sends them to the
// worker threads in at most one batch per worker. Each call's DSP state lives here, in the
// parent, and travels with its frames, so any worker can take any call and a crashed worker
// costs its calls only the frames of the batch it held.
import { availableParallelism } from 'node:os';

import { Piscina } from 'piscina';
import { pino, type Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';

import { resolveVadOptions, type ResolvedVadOptions, type VadOptions } from '../audio/vad.js';
import type { DspBatch, DspBatchResult, StreamDspState, StreamOutput } from './messages.js';

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
  /** Frames a call may queue while its previous batch is out, before the oldest drop; default 50. */
  maxQueuedFrames?: number;
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
  readonly #piscina: Piscina<DspBatch, DspBatchResult>;
  readonly #streams = new Map<string, PoolStream>();
  readonly #threads: number;
  readonly #tickMs: number;
  readonly #vad: ResolvedVadOptions;
  readonly #log: Logger;
  readonly #metrics: PoolMetrics;
  readonly #maxQueuedFrames: number;
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

    const stream = new PoolStream(streamId, onResult, this.#maxQueuedFrames, this.#metrics, () =>
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
    const works = group.map((stream) => stream.takeWork());
    const frameCount = works.reduce((sum, work) => sum + work.frameCount, 0);
    const batch: DspBatch = { streams: works.map((work) => work.work), vad: this.#vad };

    if (this.#exitNextBatch) {
      this.#exitNextBatch = false;
      batch.exitWorker = true;
    }

    this.#metrics.batchFrames.observe(frameCount);
    const stopTimer = this.#metrics.batchSeconds.startTimer();
    this.#piscina.run(batch).then(
      (result) => {
        stopTimer();
        deliver(group, result);
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
      },
    );
  }
}

function deliver(group: PoolStream[], result: DspBatchResult): void {
  group.forEach((stream, index) => stream.settle(result.streams[index], result.threadId));
}

// Spreads the ready calls over at most one batch per worker. The offset moves every tick so a
// call does not stick to one worker: state continuity never depends on which thread runs it.
function splitIntoGroups(ready: PoolStream[], threads: number, tick: number): PoolStream[][] {
  const groupCount = Math.min(threads, ready.length);
  const groups: PoolStream[][] = Array.from({ length: groupCount }, () => []);

  ready.forEach((stream, index) => groups[(index + tick) % groupCount]?.push(stream));
  return groups;
}

interface TakenWork {
  work: DspBatch['streams'][number];
  frameCount: number;
}

/** One call inside the pool: its queued frames and its DSP state between batches. */
class PoolStream implements DspStream {
  readonly #streamId: string;
  readonly #onResult: (result: DspResult) => void;
  readonly #maxQueuedFrames: number;
  readonly #metrics: PoolMetrics;
  readonly #onClose: () => void;
  #frames: Uint8Array[] = [];
  #firstReceivedAtMs = 0;
  #state: StreamDspState | null = null;
  #inFlight = false;
  #inFlightReceivedAtMs = 0;
  #closed = false;

  constructor(
    streamId: string,
    onResult: (result: DspResult) => void,
    maxQueuedFrames: number,
    metrics: PoolMetrics,
    onClose: () => void,
  ) {
    this.#streamId = streamId;
    this.#onResult = onResult;
    this.#maxQueuedFrames = maxQueuedFrames;
    this.#metrics = metrics;
    this.#onClose = onClose;
  }

  /** Has frames and no batch out: a call's batches must not overlap, or state would fork. */
  get isReady(): boolean {
    return !this.#closed && !this.#inFlight && this.#frames.length > 0;
  }

  pushFrame(muLaw: Uint8Array, receivedAtMs: number): void {
    if (this.#closed) return;

    if (this.#frames.length === 0) this.#firstReceivedAtMs = receivedAtMs;
    // Copied: the caller may reuse its buffer before the tick sends this one.
    this.#frames.push(muLaw.slice());

    if (this.#frames.length > this.#maxQueuedFrames) {
      // Limit: a call whose batches fall more than maxQueuedFrames behind loses its oldest
      // frames (and its first-frame time becomes approximate); the alternative is unbounded
      // memory while workers are stalled.
      this.#frames.shift();
      this.#metrics.framesDropped.inc({ reason: 'queue_full' });
    }
  }

  /** Moves the queued frames and the state into a work item; the call is in flight until settled. */
  takeWork(): TakenWork {
    const frameCount = this.#frames.length;
    const muLaw = concatBytes(this.#frames);

    this.#frames = [];
    this.#inFlight = true;
    this.#inFlightReceivedAtMs = this.#firstReceivedAtMs;
    return { work: { streamId: this.#streamId, muLaw, state: this.#state }, frameCount };
  }

  /** Ends the batch in flight: with its output, or with undefined when the worker failed. */
  settle(output: StreamOutput | undefined, threadId = 0): void {
    this.#inFlight = false;
    if (output === undefined || this.#closed) return;

    // Only a delivered batch advances the state: after a failure the call continues from the
    // state before the lost frames, so it loses audio but never gets garbled history.
    this.#state = output.state;
    this.#onResult({
      pcm16k: output.pcm16k,
      frames: toFeatures(output),
      firstFrameReceivedAtMs: this.#inFlightReceivedAtMs,
      threadId,
    });
  }

  close(): void {
    if (this.#closed) return;

    this.#closed = true;
    this.#frames = [];
    this.#onClose();
  }
}

function toFeatures(output: StreamOutput): DspFrameFeatures[] {
  return Array.from(output.energyDb, (energyDb, index) => ({
    energyDb,
    speech: output.speech[index] === 1,
    voiced: output.voiced[index] === 1,
  }));
}

function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(total);

  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
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
