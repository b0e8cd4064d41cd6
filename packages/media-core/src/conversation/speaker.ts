// The bot's voice for one call: sentences in, synthesized in order, queued on the playback as
// soon as each is ready (the first plays while the next is synthesized); `cut()` for barge-in
// reports what the caller heard and keeps the unheard audio for a resume.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ChunkReport, Playback } from '../call/playback.js';
import type { PromptCache } from '../voice/prompt-cache.js';
import type { SynthesizedAudio, Synthesizer } from '../voice/synthesizer.js';
import { heardPrefix, joinSpoken } from './heard.js';

/** Timings of one sentence, performance.now() ms. */
export interface SentenceTimings {
  /** Synthesis asked. */
  askedAtMs: number;
  /** Audio back (cache hits: at once). */
  answeredAtMs: number;
  /** Queued on the playback; its first frame leaves at once when the playback was idle. */
  queuedAtMs: number;
}

/** Options of one sentence. */
export interface SayOptions {
  /** Fixed phrase: served from (and kept in) the prompt cache. */
  cached?: boolean;
  /** Called when the sentence's audio is queued. */
  onQueued?: (timings: SentenceTimings) => void;
}

/** Audio kept by a cut, to resume a false interruption. */
export interface UnheardAudio {
  /** The unheard rest of the cut sentence (or a whole sentence never played). */
  audio: SynthesizedAudio;
  /** Its words, as far as the character estimate tells. */
  text: string;
}

/** What `cut()` reports. */
export interface CutReport {
  /** Words the caller heard of the current bot message. */
  heardText: string;
  /** Audio played before the cut, in ms. */
  playedMs: number;
  /** What the caller did not hear yet, in order (synthesized sentences only). */
  unheard: UnheardAudio[];
}

/** Events of a speaker. */
export interface SpeakerEvents {
  /** The first frame of a sentence left while the bot was silent. */
  audioStarted: [];
  /** Everything said has played (marks confirmed) or was cut. */
  idle: [];
  /** A sentence could not be synthesized (it is skipped). */
  failed: [error: unknown, text: string];
}

interface Item {
  text: string;
  audio: Promise<SynthesizedAudio>;
  ready?: SynthesizedAudio;
  onQueued?: (timings: SentenceTimings) => void;
  askedAtMs: number;
  answeredAtMs?: number;
}

interface Played {
  text: string;
  audio: SynthesizedAudio;
  durationMs: number;
}

/** Resumed audio starts this much before the cut, so the caller hears where it picks up. */
const RESUME_OVERLAP_MS = 150;

/** Speaks for one call. */
export class Speaker extends EventEmitter<SpeakerEvents> {
  private queue: Item[] = [];
  private abort = new AbortController();
  /** Chunks on the playback, by id, oldest first. */
  private readonly onPlayback = new Map<number, Played>();
  /** Text of chunks confirmed heard since the current bot message began. */
  private heard: string[] = [];
  private pumping = false;
  private closed = false;

  constructor(
    private readonly playback: Playback,
    private readonly synthesizer: () => Synthesizer,
    private readonly voice: () => { languageCode: string },
    private readonly cache: PromptCache | undefined,
    private readonly log: Logger,
  ) {
    super();
    playback.on('chunkPlayed', (report) => this.onChunkPlayed(report));
    playback.on('idle', () => this.onPlaybackIdle());
  }

  /** True while sentences wait for synthesis or audio is playing. */
  get speaking(): boolean {
    return this.queue.length > 0 || this.playback.isPlaying;
  }

  /** Queues a sentence: synthesis starts now; it plays after those queued before it. */
  say(text: string, options: SayOptions = {}): void {
    if (this.closed || text.trim() === '') return;

    const request = { text, ...this.voice() };
    const signal = this.abort.signal;
    const audio =
      options.cached === true && this.cache !== undefined
        ? this.cache.synthesize(request, this.synthesizer(), signal)
        : this.synthesizer().synthesize(request, signal);
    const item: Item = { text, audio, onQueued: options.onQueued, askedAtMs: performance.now() };
    // Why: a sentence that fails while an earlier one plays is awaited later; this keeps Node
    // from reporting it as unhandled in the meantime.
    audio.then(
      (ready) => {
        item.ready = ready;
        item.answeredAtMs = performance.now();
      },
      () => undefined,
    );
    this.queue.push(item);
    void this.pump();
  }

  /** Queues audio already synthesized (a resume): plays after what is queued. */
  sayAudio(unheard: UnheardAudio): void {
    if (this.closed) return;

    const now = performance.now();
    const audio = Promise.resolve(unheard.audio);
    this.queue.push({ text: unheard.text, audio, askedAtMs: now, answeredAtMs: now });
    void this.pump();
  }

  /**
   * Barge-in: sends `clear`, aborts synthesis in flight, and reports what the caller heard
   * (marks confirmed plus the playback's estimate for the chunk cut) and the unheard audio.
   */
  cut(): CutReport {
    const report = this.playback.clear();
    const heard = [...this.heard];
    const unheard: UnheardAudio[] = [];

    for (const chunk of report.chunks) {
      const played = this.onPlayback.get(chunk.id);
      if (played === undefined) continue;

      heard.push(heardPrefix(played.text, chunk.durationMs, chunk.playedMs));
      const rest = restOf(played, chunk.playedMs);
      if (rest !== undefined) unheard.push(rest);
    }
    for (const item of this.queue) {
      if (item.ready !== undefined) unheard.push({ audio: item.ready, text: item.text });
    }

    this.dropQueue();
    this.onPlayback.clear();
    this.heard = [];

    return { heardText: joinSpoken(heard), playedMs: report.playedMs, unheard };
  }

  /**
   * Starts a new bot message: what the caller heard is counted from here, after `heardBefore`
   * (the part of a message heard before a false interruption, which the resume continues).
   */
  beginMessage(heardBefore = ''): void {
    this.heard = heardBefore === '' ? [] : [heardBefore];
  }

  /** Resolves once the bot is silent (at once when it is). */
  async whenIdle(): Promise<void> {
    while (this.speaking && !this.closed) {
      await new Promise<void>((resolve) => this.once('idle', () => resolve()));
    }
  }

  /** Drops everything queued without a `clear` (the session is ending). Idempotent. */
  close(): void {
    if (this.closed) return;

    this.closed = true;
    this.dropQueue();
    this.emit('idle');
  }

  private dropQueue(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.queue = [];
  }

  // One loop per call plays items strictly in order: it awaits the head's audio even when a
  // later sentence is ready first, since sentences must not swap.
  private async pump(): Promise<void> {
    if (this.pumping) return;

    this.pumping = true;
    try {
      for (let item = this.queue[0]; item !== undefined && !this.closed; item = this.queue[0]) {
        const audio = await item.audio.catch((error: unknown) => this.failed(item as Item, error));
        if (this.queue[0] !== item) continue;

        this.queue.shift();
        if (audio !== undefined) this.enqueue(item, audio);
      }
    } finally {
      this.pumping = false;
    }
    if (!this.speaking) this.emit('idle');
  }

  private failed(item: Item, error: unknown): undefined {
    if (this.queue[0] !== item || this.abort.signal.aborted) return undefined;

    this.log.warn({ err: error }, 'sentence not synthesized');
    this.emit('failed', error, item.text);

    return undefined;
  }

  private enqueue(item: Item, audio: SynthesizedAudio): void {
    const wasSilent = !this.playback.isPlaying;
    const id = this.playback.enqueue(audio.pcm, audio.sampleRate);
    const queuedAtMs = performance.now();
    const durationMs = (audio.pcm.length * 1000) / audio.sampleRate;
    this.onPlayback.set(id, { text: item.text, audio, durationMs });

    if (wasSilent) this.emit('audioStarted');
    const answeredAtMs = item.answeredAtMs ?? queuedAtMs;
    item.onQueued?.({ askedAtMs: item.askedAtMs, answeredAtMs, queuedAtMs });
  }

  private onChunkPlayed(report: ChunkReport): void {
    const played = this.onPlayback.get(report.id);
    if (played === undefined) return;

    this.onPlayback.delete(report.id);
    this.heard.push(played.text);
  }

  private onPlaybackIdle(): void {
    if (this.queue.length > 0) return;

    this.emit('idle');
  }
}

/** The rest of a chunk after `playedMs`, starting a little before the cut. */
function restOf(played: Played, playedMs: number): UnheardAudio | undefined {
  const fromMs = Math.max(0, playedMs - RESUME_OVERLAP_MS);
  const from = Math.floor((fromMs * played.audio.sampleRate) / 1000);
  if (from >= played.audio.pcm.length - played.audio.sampleRate / 50) return undefined;

  const heard = heardPrefix(played.text, played.durationMs, fromMs);
  const pcm = played.audio.pcm.slice(from);

  return { audio: { ...played.audio, pcm }, text: played.text.slice(heard.length).trim() };
}
