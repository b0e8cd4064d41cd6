import type { SynthesisRequest, SynthesizedAudio, Synthesizer } from './synthesizer.js';

/** Options of sentence-by-sentence synthesis. */
export interface SentenceSynthesisOptions {
  /** Most requests in flight or waiting to be played; default 2. */
  lookahead?: number;
  /** Aborts every request (barge-in). */
  signal?: AbortSignal;
}

/**
 * Speaks sentences in order, one request each. Sentences are taken from the source as they
 * come (an LLM streams them) and each is requested at once, up to `lookahead` ahead of the one
 * being played, so the first sentence plays while the rest are still being written.
 */
export async function* synthesizeSentences(
  sentences: AsyncIterable<string> | Iterable<string>,
  voice: Omit<SynthesisRequest, 'text'>,
  synthesizer: Synthesizer,
  options: SentenceSynthesisOptions = {},
): AsyncGenerator<SynthesizedAudio> {
  const lookahead = options.lookahead ?? 2;
  if (!(lookahead >= 1)) throw new RangeError('lookahead must be at least 1');

  const state = new Pipeline(lookahead);
  void state.fill(sentences, (text) => synthesizer.synthesize({ ...voice, text }, options.signal));

  try {
    for (let next = await state.take(); next; next = await state.take()) yield await next;
  } finally {
    state.stop();
  }
}

/** The queue between the sentence reader and the audio consumer. */
class Pipeline {
  private readonly queue: Promise<SynthesizedAudio>[] = [];
  private done = false;
  private stopped = false;
  private failure: unknown;
  private wakeTaker: (() => void) | undefined;
  private wakeFiller: (() => void) | undefined;

  constructor(private readonly lookahead: number) {}

  async fill(
    sentences: AsyncIterable<string> | Iterable<string>,
    start: (text: string) => Promise<SynthesizedAudio>,
  ): Promise<void> {
    try {
      for await (const sentence of sentences) {
        if (this.stopped) break;
        if (!sentence.trim()) continue;

        while (this.queue.length >= this.lookahead && !this.stopped) {
          await new Promise<void>((resolve) => (this.wakeFiller = resolve));
        }

        const work = start(sentence);
        // Why: a request that fails while an earlier one plays is awaited later; this keeps
        // Node from reporting it as unhandled in the meantime.
        work.catch(() => undefined);
        this.queue.push(work);
        this.wake();
      }
    } catch (err) {
      this.failure = err;
    }

    this.done = true;
    this.wake();
  }

  /** The next sentence's audio promise, or undefined when every sentence was taken. */
  async take(): Promise<Promise<SynthesizedAudio> | undefined> {
    while (this.queue.length === 0 && !this.done) {
      await new Promise<void>((resolve) => (this.wakeTaker = resolve));
    }

    const next = this.queue.shift();
    this.wakeFiller?.();
    if (!next && this.failure !== undefined) throw this.failure;

    return next;
  }

  stop(): void {
    this.stopped = true;
    this.wakeFiller?.();
  }

  private wake(): void {
    this.wakeTaker?.();
    this.wakeTaker = undefined;
  }
}
