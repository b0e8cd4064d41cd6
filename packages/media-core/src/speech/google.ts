/**
 * Google Cloud Speech-to-Text streaming recognizer.
 *
 * Why v1 and not v2: v1 takes language and model in each stream's own config, so a call can
 * pick its language without a project-scoped recognizer resource
 * (`projects/{p}/locations/{l}/recognizers/_`) that v2 requires to exist beforehand; v1 has the
 * `telephony` model for 8 kHz phone audio and is the surface the local emulator implements.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Status, type CancellableStream } from 'google-gax';
import { SpeechError, speechErrorFromGrpc } from './errors.js';
import type { GoogleSpeechClient } from './google-client.js';
import {
  RECOGNIZER_SAMPLE_RATE,
  SAMPLES_PER_MS,
  type FinalTranscript,
  type Recognizer,
  type RecognizerEvents,
} from './recognizer.js';
import { withDefaults } from './options.js';
import { ReplayBuffer } from './replay-buffer.js';

/** Options of a Google recognizer for one call. */
export interface GoogleRecognizerOptions {
  /** The process's v1 SpeechClient (it owns the gRPC channel; calls share it). */
  client: GoogleSpeechClient;
  /** BCP-47 language of the call, e.g. `en-IN`. */
  languageCode: string;
  /** Recognition model; default `telephony`. */
  model?: string;
  /** Ask for interim results; default true. */
  interimResults?: boolean;
  /** Open a fresh stream at the next pause once a stream is this old, in ms; default 240000. */
  rotateAfterMs?: number;
  /** Rotate even mid-speech once a stream is this old, in ms; default 290000 (limit ~305 s). */
  forceRotateAfterMs?: number;
  /** Half-close the stream after this long without audio, in ms; default 5000. */
  idleCloseMs?: number;
  /** Most audio bytes in one request; default 25000 (the service takes at most 25 KB). */
  maxRequestBytes?: number;
  /** Most unfinalised audio kept for a rotation's replay, in ms; default 60000. */
  replayMaxMs?: number;
  /** Call logger. */
  log?: Logger;
}

interface StreamState {
  call: CancellableStream;
  /** Position (in this recognizer's samples) of the first sample the stream was given. */
  baseSample: number;
  /** Samples given to the stream so far. */
  sentSamples: number;
  /** Wall-clock open time, in ms since the epoch. */
  openedAtMs: number;
  /** Retired streams were cancelled by us: nothing they say counts any more. */
  retired: boolean;
  requestId: string | undefined;
}

interface GoogleResult {
  isFinal?: boolean | null;
  alternatives?: { transcript?: string | null; confidence?: number | null }[] | null;
  resultEndTime?: { seconds?: number | string | null; nanos?: number | null } | null;
  languageCode?: string | null;
}

interface GoogleResponse {
  results?: GoogleResult[] | null;
  requestId?: number | string | null;
  error?: { code?: number | null; message?: string | null } | null;
}

/** A pause after speech still counts as "awaiting its final" for this long, in ms. */
const FINAL_GRACE_MS = 5000;

/** Audio kept between utterances as a rotation's lead-in, in ms. */
const IDLE_KEEP_MS = 1000;

/**
 * One call's recognition over Google streaming: rotates streams before the service's duration
 * limit without losing or repeating audio, and half-closes an idle stream before the audio
 * timeout instead of paying for silence.
 */
export class GoogleRecognizer extends EventEmitter<RecognizerEvents> implements Recognizer {
  /** Provider name. */
  readonly provider = 'google';
  /** Streams opened so far, rotations included. */
  streamsOpened = 0;

  private readonly opts: Required<Omit<GoogleRecognizerOptions, 'log'>>;
  private readonly log: Logger | undefined;
  private readonly replay: ReplayBuffer;
  private readonly streams = new Set<StreamState>();
  private current: StreamState | undefined;
  private received = 0;
  private inSpeech = false;
  private lastSpeechEndSample = -1;
  private awaitingFinal = false;
  private interimSinceFinal = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Rotations forced by the service (OUT_OF_RANGE) in a row; two in a row is a failure. */
  private serverRotations = 0;

  constructor(options: GoogleRecognizerOptions) {
    super();
    this.opts = withDefaults(
      {
        model: 'telephony',
        interimResults: true,
        rotateAfterMs: 240_000,
        forceRotateAfterMs: 290_000,
        idleCloseMs: 5000,
        maxRequestBytes: 25_000,
        replayMaxMs: 60_000,
      },
      options,
    );
    this.log = options.log;
    this.replay = new ReplayBuffer({
      maxMs: this.opts.replayMaxMs,
      sampleRate: RECOGNIZER_SAMPLE_RATE,
    });
    if (this.opts.forceRotateAfterMs < this.opts.rotateAfterMs) {
      throw new RangeError('forceRotateAfterMs must be at least rotateAfterMs');
    }
  }

  write(pcm: Int16Array): void {
    if (this.closed || pcm.length === 0) return;

    this.replay.append(pcm);
    this.received += pcm.length;
    // Between utterances only a lead-in is worth replaying after a rotation.
    if (this.atPause()) this.replay.release(this.received - IDLE_KEEP_MS * SAMPLES_PER_MS);

    const stream = this.streamFor(pcm.length);
    if (stream) this.send(stream, pcm);

    this.armIdleTimer();
  }

  speechStarted(): void {
    if (this.closed) return;

    this.inSpeech = true;
    this.replay.mark('speechStart');
    this.emit('speechStart');
  }

  speechEnded(): void {
    if (this.closed) return;

    this.inSpeech = false;
    this.awaitingFinal = true;
    this.lastSpeechEndSample = this.received;
    this.replay.mark('speechEnd');
    this.emit('speechEnd');
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const stream of this.streams) this.retire(stream);
  }

  /** The stream this chunk goes to, opening or rotating as needed; the chunk is in `replay`. */
  private streamFor(chunkSamples: number): StreamState | undefined {
    const stream = this.current;
    if (!stream) return this.open(this.received - chunkSamples);

    const ageMs = Math.max(Date.now() - stream.openedAtMs, stream.sentSamples / SAMPLES_PER_MS);
    // A replay as long as the limit would rotate again at once; then the service's own cut
    // (OUT_OF_RANGE, handled below) is the last resort.
    const replayFits = this.replay.length / SAMPLES_PER_MS < this.opts.forceRotateAfterMs / 2;
    if (ageMs >= this.opts.forceRotateAfterMs && replayFits) {
      this.rotateWithReplay('age');
      return undefined;
    }

    if (ageMs >= this.opts.rotateAfterMs && this.atPause()) {
      // At a pause every word before this chunk has its final (or is silence): the old stream
      // is half-closed so it can still deliver what it owes, and the new one starts here.
      this.halfClose(stream);
      return this.open(this.received - chunkSamples);
    }

    return stream;
  }

  private atPause(): boolean {
    const graceSamples = FINAL_GRACE_MS * SAMPLES_PER_MS;
    const owesFinal = this.awaitingFinal && this.received - this.lastSpeechEndSample < graceSamples;

    return !this.inSpeech && !owesFinal && !this.interimSinceFinal;
  }

  /**
   * Replaces the current stream mid-speech: the old one is cancelled (its late results are
   * ignored) and every sample not yet covered by a final goes to the new one, so the seam
   * neither loses nor repeats words.
   */
  private rotateWithReplay(why: string): void {
    for (const stream of this.streams) this.retire(stream);

    this.interimSinceFinal = false;
    const stream = this.open(this.replay.startSample);
    this.send(stream, this.replay.read());
    this.log?.debug({ why, replayMs: this.replay.length / SAMPLES_PER_MS }, 'asr stream rotated');
  }

  private open(baseSample: number): StreamState {
    const call = this.opts.client._streamingRecognize();
    const stream: StreamState = {
      call,
      baseSample,
      sentSamples: 0,
      openedAtMs: Date.now(),
      retired: false,
      requestId: undefined,
    };

    call.on('data', (res: GoogleResponse) => this.onResponse(stream, res));
    call.on('error', (err: unknown) => this.onStreamError(stream, err));
    call.on('end', () => this.forget(stream));
    call.write({
      streamingConfig: {
        config: {
          encoding: 'LINEAR16',
          sampleRateHertz: RECOGNIZER_SAMPLE_RATE,
          languageCode: this.opts.languageCode,
          model: this.opts.model,
          enableAutomaticPunctuation: true,
        },
        interimResults: this.opts.interimResults,
      },
    });

    this.streams.add(stream);
    this.current = stream;
    this.streamsOpened += 1;

    return stream;
  }

  private send(stream: StreamState, pcm: Int16Array): void {
    const maxSamples = Math.floor(this.opts.maxRequestBytes / 2);

    for (let at = 0; at < pcm.length; at += maxSamples) {
      const part = pcm.subarray(at, Math.min(pcm.length, at + maxSamples));
      // LINEAR16 is little-endian, as Int16Array is on every host Node supports here.
      stream.call.write({
        audioContent: Buffer.from(part.buffer, part.byteOffset, part.byteLength),
      });
    }

    stream.sentSamples += pcm.length;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);

    // Why: the service ends a stream that gets no audio (OUT_OF_RANGE, audio timeout); closing it
    // ourselves after a quiet spell costs nothing and the next chunk opens a fresh one.
    this.idleTimer = setTimeout(() => {
      if (this.current) this.halfClose(this.current);
    }, this.opts.idleCloseMs);
    this.idleTimer.unref();
  }

  private halfClose(stream: StreamState): void {
    if (this.current === stream) this.current = undefined;

    stream.call.end();
  }

  private retire(stream: StreamState): void {
    stream.retired = true;
    this.forget(stream);
    stream.call.cancel();
  }

  private forget(stream: StreamState): void {
    this.streams.delete(stream);
    if (this.current === stream) this.current = undefined;
  }

  private onResponse(stream: StreamState, res: GoogleResponse): void {
    if (stream.retired || this.closed) return;

    if (res.requestId !== undefined && res.requestId !== null) {
      stream.requestId = String(res.requestId);
    }

    if (res.error?.code) {
      this.onStreamError(stream, { code: res.error.code, message: res.error.message ?? '' });
      return;
    }

    for (const result of res.results ?? []) this.onResult(stream, result);
  }

  private onResult(stream: StreamState, result: GoogleResult): void {
    const best = result.alternatives?.[0];
    const text = (best?.transcript ?? '').trim();

    if (!result.isFinal) {
      if (!text) return;

      this.interimSinceFinal = true;
      this.emit('interim', { text, provider: this.provider });
      return;
    }

    this.serverRotations = 0;
    const endSample = this.finalEndSample(stream, result);
    const final = this.buildFinal(text, best?.confidence, result.languageCode, endSample);

    this.replay.release(endSample);
    this.awaitingFinal = false;
    this.interimSinceFinal = false;
    this.emit('final', final);
  }

  /** Where the final's audio ends, in this recognizer's samples. */
  private finalEndSample(stream: StreamState, result: GoogleResult): number {
    const end = result.resultEndTime;
    if (end && (end.seconds !== undefined || end.nanos !== undefined)) {
      const ms = Number(end.seconds ?? 0) * 1000 + Number(end.nanos ?? 0) / 1e6;
      return Math.min(stream.baseSample + Math.round(ms * SAMPLES_PER_MS), this.received);
    }

    // Without an end time the last speech end heard is the best cut; else all audio so far.
    return this.awaitingFinal && this.lastSpeechEndSample >= this.replay.startSample
      ? this.lastSpeechEndSample
      : this.received;
  }

  private buildFinal(
    text: string,
    confidence: number | null | undefined,
    language: string | null | undefined,
    endSample: number,
  ): FinalTranscript {
    const start = this.replay.marksFrom().find((m) => m.kind === 'speechStart');
    const final: FinalTranscript = {
      text,
      // The service reports 0 when it did not estimate confidence.
      confidence: confidence ? confidence : null,
      // The service answers tags in lower case (`en-in`); calls speak canonical BCP-47.
      language: language ? canonicalTag(language) : this.opts.languageCode,
      provider: this.provider,
      endMs: endSample / SAMPLES_PER_MS,
    };
    if (start && start.sample < endSample) final.startMs = start.sample / SAMPLES_PER_MS;

    return final;
  }

  private onStreamError(stream: StreamState, err: unknown): void {
    this.forget(stream);
    if (stream.retired || this.closed) return;

    const code = (err as { code?: number }).code;
    if (code === Status.OUT_OF_RANGE && this.serverRotations === 0) {
      // The service ended the stream at its duration or audio-timeout limit: not an outage.
      this.serverRotations += 1;
      this.rotateWithReplay('server-limit');
      return;
    }

    const error = speechErrorFromGrpc(err, this.provider);
    const withId = stream.requestId && !error.requestId ? addRequestId(error, stream) : error;

    this.log?.warn({ code: withId.code, reason: withId.reason }, 'google stream failed');
    void this.close();
    this.emit('error', withId);
  }
}

function addRequestId(error: SpeechError, stream: StreamState): SpeechError {
  return new SpeechError(error.message, {
    reason: error.reason,
    provider: error.provider,
    requestId: stream.requestId,
    status: error.status,
    cause: error.cause,
  });
}

/** `en-in` → `en-IN`: language lower case, region upper case. */
function canonicalTag(tag: string): string {
  const [lang = '', region] = tag.split('-');

  return region ? `${lang.toLowerCase()}-${region.toUpperCase()}` : lang.toLowerCase();
}
