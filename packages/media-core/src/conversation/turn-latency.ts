// One turn's latency, from the caller's last word to the bot's first audio, split by stage.
// Times are performance.now() ms; stages a turn did not go through stay undefined.
import type { ConversationMetrics } from './metrics.js';

/** A turn's latency breakdown, in ms. */
export interface TurnLatency {
  /** VAD speech end → final transcript. */
  endpointingMs: number | undefined;
  /** Reply start → first LLM token. */
  llmFirstTokenMs: number | undefined;
  /** Reply start → first complete sentence. */
  llmFirstSentenceMs: number | undefined;
  /** First sentence to TTS → its audio back. */
  ttsFirstByteMs: number | undefined;
  /** Total minus the provider stages: what the media core itself added. */
  mediaCoreMs: number | undefined;
  /** VAD speech end → first bot frame sent to Twilio. */
  totalMs: number | undefined;
}

/** Collects one turn's timestamps; `finish()` computes the breakdown once. */
export class TurnClock {
  /** VAD speech end of the caller's last utterance. */
  speechEndAtMs: number | undefined;
  /** Final transcript received. */
  finalAtMs: number | undefined;
  /** Reply asked of the dialogue. */
  replyAtMs: number | undefined;
  /** LLM timings reported by the dialogue, ms from the reply's start. */
  llm: { firstTokenMs?: number; firstSentenceMs?: number } = {};
  /** First sentence reached the pipeline. */
  firstSentenceAtMs: number | undefined;
  /** First sentence's synthesis asked / answered. */
  ttsAskedAtMs: number | undefined;
  ttsAnsweredAtMs: number | undefined;
  /** First frame of the reply sent to Twilio. */
  firstAudioAtMs: number | undefined;

  /** The breakdown; undefined stages when the turn never reached them. */
  latency(): TurnLatency {
    const total = span(this.speechEndAtMs, this.firstAudioAtMs);
    const endpointing = span(this.speechEndAtMs, this.finalAtMs);
    const firstSentence = this.llm.firstSentenceMs ?? span(this.replyAtMs, this.firstSentenceAtMs);
    const tts = span(this.ttsAskedAtMs, this.ttsAnsweredAtMs);
    const providers = (endpointing ?? 0) + (firstSentence ?? 0) + (tts ?? 0);

    return {
      endpointingMs: endpointing,
      llmFirstTokenMs: roundOrUndefined(this.llm.firstTokenMs),
      llmFirstSentenceMs: roundOrUndefined(firstSentence),
      ttsFirstByteMs: tts,
      mediaCoreMs: total === undefined ? undefined : round(Math.max(0, total - providers)),
      totalMs: total,
    };
  }
}

/** Records a finished turn's stages into the histogram (seconds). */
export function observeTurn(metrics: ConversationMetrics, latency: TurnLatency): void {
  const stages: Array<[string, number | undefined]> = [
    ['endpointing', latency.endpointingMs],
    ['llm_first_token', latency.llmFirstTokenMs],
    ['llm_first_sentence', latency.llmFirstSentenceMs],
    ['tts_first_byte', latency.ttsFirstByteMs],
    ['media_core', latency.mediaCoreMs],
    ['total', latency.totalMs],
  ];
  for (const [stage, ms] of stages) {
    if (ms !== undefined) metrics.turnLatency.observe({ stage }, ms / 1000);
  }
}

/** Per-stage medians and maxima over a call's turns (the latency_summary event). */
export function summarizeTurns(
  turns: TurnLatency[],
): Record<string, { p50Ms: number; maxMs: number; count: number }> {
  const summary: Record<string, { p50Ms: number; maxMs: number; count: number }> = {};
  const keys = [
    'endpointingMs',
    'llmFirstTokenMs',
    'llmFirstSentenceMs',
    'ttsFirstByteMs',
    'mediaCoreMs',
    'totalMs',
  ] as const;

  for (const key of keys) {
    const values = turns.map((t) => t[key]).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;

    values.sort((a, b) => a - b);
    const p50Ms = values[Math.floor((values.length - 1) / 2)] as number;
    summary[key] = {
      p50Ms: round(p50Ms),
      maxMs: round(values.at(-1) as number),
      count: values.length,
    };
  }

  return summary;
}

function span(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : round(to - from);
}

function roundOrUndefined(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : round(ms);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
