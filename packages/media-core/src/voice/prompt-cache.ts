import type { SynthesisRequest, SynthesizedAudio, Synthesizer } from './synthesizer.js';

/** Options of the prompt cache. */
export interface PromptCacheOptions {
  /** Most PCM bytes held; least recently used prompts go first. */
  maxBytes: number;
}

/**
 * Synthesized audio of fixed prompts (greeting, disclosures, hold message), keyed by text,
 * language, voice and rate, bounded by bytes with least-recently-used eviction.
 */
export class PromptCache {
  /** PCM bytes held now. */
  bytes = 0;

  private readonly maxBytes: number;
  /** Map order is recency order: a hit is re-inserted at the end. */
  private readonly entries = new Map<string, SynthesizedAudio>();

  constructor(options: PromptCacheOptions) {
    if (!(options.maxBytes > 0)) throw new RangeError('maxBytes must be a positive byte count');

    this.maxBytes = options.maxBytes;
  }

  /** Number of prompts held. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached audio of a request, marking it recently used. */
  get(req: SynthesisRequest): SynthesizedAudio | undefined {
    const key = cacheKey(req);
    const audio = this.entries.get(key);
    if (!audio) return undefined;

    this.entries.delete(key);
    this.entries.set(key, audio);

    return audio;
  }

  /** Stores audio, evicting the least recently used until it fits; too-large audio is skipped. */
  set(req: SynthesisRequest, audio: SynthesizedAudio): void {
    const size = audio.pcm.byteLength;
    if (size > this.maxBytes) return;

    const key = cacheKey(req);
    this.remove(key);
    for (const oldest of this.entries.keys()) {
      if (this.bytes + size <= this.maxBytes) break;
      this.remove(oldest);
    }

    this.entries.set(key, audio);
    this.bytes += size;
  }

  /** The cached audio, or the synthesizer's (then cached). */
  async synthesize(
    req: SynthesisRequest,
    synthesizer: Synthesizer,
    signal?: AbortSignal,
  ): Promise<SynthesizedAudio> {
    const hit = this.get(req);
    if (hit) return hit;

    const audio = await synthesizer.synthesize(req, signal);
    this.set(req, audio);

    return audio;
  }

  /**
   * Synthesizes every prompt not yet cached, two at a time (a burst at start would trip the
   * provider's rate limit); resolves with the prompts that failed, which stay uncached.
   */
  async warm(prompts: SynthesisRequest[], synthesizer: Synthesizer): Promise<SynthesisRequest[]> {
    const queue = prompts.filter((p) => !this.entries.has(cacheKey(p)));
    const failed: SynthesisRequest[] = [];

    const worker = async (): Promise<void> => {
      for (let req = queue.shift(); req; req = queue.shift()) {
        await this.synthesize(req, synthesizer).catch(() => failed.push(req as SynthesisRequest));
      }
    };
    await Promise.all([worker(), worker()]);

    return failed;
  }

  private remove(key: string): void {
    const audio = this.entries.get(key);
    if (!audio) return;

    this.entries.delete(key);
    this.bytes -= audio.pcm.byteLength;
  }
}

/** The cache key: text, language, voice and rate. */
export function cacheKey(req: SynthesisRequest): string {
  return JSON.stringify([req.text, req.languageCode, req.voice ?? '', req.speakingRate ?? 1]);
}
