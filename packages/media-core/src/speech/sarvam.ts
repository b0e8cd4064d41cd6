import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { SpeechError } from './errors.js';
import type { Recognizer, RecognizerEvents } from './recognizer.js';
import { RECOGNIZER_SAMPLE_RATE, SAMPLES_PER_MS } from './recognizer.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { SarvamHttp } from './sarvam-http.js';
import { encodeWav } from './wav.js';

/** Options of a Sarvam recognizer for one call. */
export interface SarvamRecognizerOptions {
  /** The process's Sarvam HTTP client (its keep-alive pool is shared by calls). */
  http: SarvamHttp;
  /** BCP-47 language of the call, e.g. `hi-IN`. */
  languageCode: string;
  /** Model; default `saarika:v2.5`. */
  model?: string;
  /** Audio kept from before the VAD's speech start, in ms; default 300 (VADs start late). */
  preRollMs?: number;
  /** Most audio in one request, in ms; default 30000 (Sarvam's REST limit). */
  maxSegmentMs?: number;
  /** Call logger. */
  log?: Logger;
}

interface Segment {
  chunks: Int16Array[];
  samples: number;
  startSample: number;
}

/**
 * One call's recognition over Sarvam's REST speech-to-text: the local VAD cuts the call into
 * utterances, each is posted as a WAV, and the answer is the utterance's final transcript.
 * Speech events come from the local VAD; there are no interim transcripts.
 */
export class SarvamRecognizer extends EventEmitter<RecognizerEvents> implements Recognizer {
  /** Provider name. */
  readonly provider = 'sarvam';

  private readonly http: SarvamHttp;
  private readonly languageCode: string;
  private readonly model: string;
  private readonly maxSegmentSamples: number;
  private readonly preRoll: ReplayBuffer;
  private readonly inflight = new Set<AbortController>();
  private segment: Segment | undefined;
  private received = 0;
  /** Answers are emitted in utterance order even when requests overlap. */
  private emitted: Promise<void> = Promise.resolve();
  private closed = false;
  private failed = false;

  constructor(options: SarvamRecognizerOptions) {
    super();
    this.http = options.http;
    this.languageCode = options.languageCode;
    this.model = options.model ?? 'saarika:v2.5';
    this.maxSegmentSamples = (options.maxSegmentMs ?? 30_000) * SAMPLES_PER_MS;
    this.preRoll = new ReplayBuffer({
      maxMs: options.preRollMs ?? 300,
      sampleRate: RECOGNIZER_SAMPLE_RATE,
    });
  }

  write(pcm: Int16Array): void {
    if (this.closed || pcm.length === 0) return;

    this.received += pcm.length;
    if (!this.segment) {
      this.preRoll.append(pcm);
      return;
    }

    this.segment.chunks.push(pcm);
    this.segment.samples += pcm.length;
    // Limit: a segment past the 30 s request limit is cut where it stands, which can split a
    // word between two requests (and two finals); a VAD pause is not searched for.
    if (this.segment.samples >= this.maxSegmentSamples) this.flush(true);
  }

  speechStarted(): void {
    if (this.closed) return;

    if (!this.segment) this.startSegment();
    this.emit('speechStart');
  }

  speechEnded(): void {
    if (this.closed) return;

    if (this.segment) this.flush(false);
    this.emit('speechEnd');
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    for (const controller of this.inflight) controller.abort();
  }

  private startSegment(): void {
    const pre = this.preRoll.read();

    this.preRoll.release(this.preRoll.endSample);
    this.segment = {
      chunks: [pre],
      samples: pre.length,
      startSample: this.received - pre.length,
    };
  }

  /** Sends the segment; `continues` keeps a new segment open (speech goes on past 30 s). */
  private flush(continues: boolean): void {
    const segment = this.segment as Segment;
    const pcm = concat(segment.chunks, segment.samples);
    const endSample = segment.startSample + segment.samples;

    this.segment = continues ? { chunks: [], samples: 0, startSample: endSample } : undefined;

    const answer = this.transcribe(pcm);
    this.emitted = this.emitted.then(() => this.emitAnswer(answer, segment.startSample, endSample));
  }

  private async transcribe(pcm: Int16Array): Promise<{ text: string; language?: string }> {
    const controller = new AbortController();
    this.inflight.add(controller);

    try {
      const wav = encodeWav(pcm, RECOGNIZER_SAMPLE_RATE);
      const req = { wav, model: this.model, languageCode: this.languageCode };
      const res = await this.http.speechToText(req, controller.signal);

      return { text: res.transcript.trim(), language: res.languageCode };
    } finally {
      this.inflight.delete(controller);
    }
  }

  private async emitAnswer(
    answer: Promise<{ text: string; language?: string }>,
    startSample: number,
    endSample: number,
  ): Promise<void> {
    try {
      const { text, language } = await answer;
      if (this.closed || this.failed) return;

      this.emit('final', {
        text,
        confidence: null,
        language: language ?? this.languageCode,
        provider: this.provider,
        startMs: startSample / SAMPLES_PER_MS,
        endMs: endSample / SAMPLES_PER_MS,
      });
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.closed || this.failed) return;

    this.failed = true;
    const error =
      err instanceof SpeechError
        ? err
        : new SpeechError(`sarvam: ${String(err)}`, {
            reason: 'server',
            provider: 'sarvam',
            cause: err,
          });

    void this.close();
    this.emit('error', error);
  }
}

function concat(chunks: Int16Array[], samples: number): Int16Array {
  const out = new Int16Array(samples);
  let at = 0;

  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }

  return out;
}
