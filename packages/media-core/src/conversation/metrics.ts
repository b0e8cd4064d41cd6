// The conversation's metrics: barge-ins and the per-turn latency breakdown.
import { Counter, Histogram, type Registry } from 'prom-client';

/** Turn latency buckets, in seconds: from tens of ms (the media core's share) to seconds. */
const TURN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5];

/** Barge-in reaction buckets, in seconds: the target is well under 250 ms at p95. */
const REACTION_BUCKETS = [0.05, 0.1, 0.15, 0.2, 0.225, 0.25, 0.3, 0.4, 0.6, 1];

/** Metrics every call's pipeline records into. */
export interface ConversationMetrics {
  /** bargein_total: the caller spoke over the bot and the bot stopped. */
  bargeIns: Counter;
  /** bargein_false_total: barge-ins with no words after them (the bot resumed). */
  falseBargeIns: Counter;
  /** bargein_reaction_seconds: speech onset (first voiced frame received) → `clear` sent. */
  bargeInReaction: Histogram;
  /**
   * turn_latency_seconds{stage}: endpointing, llm_first_token, llm_first_sentence, tts_first_byte,
   * media_core, total.
   */
  turnLatency: Histogram<'stage'>;
  /** conversation_handoffs_total{reason}: hand-offs requested. */
  handoffs: Counter<'reason'>;
}

const cache = new WeakMap<Registry, ConversationMetrics>();

/** The conversation metrics on `registry` (registered once per registry). */
export function conversationMetrics(registry: Registry): ConversationMetrics {
  const known = cache.get(registry);
  if (known !== undefined) return known;

  const registers = [registry];
  const metrics: ConversationMetrics = {
    bargeIns: new Counter({ name: 'bargein_total', help: 'Barge-ins handled', registers }),
    falseBargeIns: new Counter({
      name: 'bargein_false_total',
      help: 'Barge-ins with no words after them: the bot resumed its sentence',
      registers,
    }),
    bargeInReaction: new Histogram({
      name: 'bargein_reaction_seconds',
      help: 'From the first voiced caller frame received to clear sent',
      buckets: REACTION_BUCKETS,
      registers,
    }),
    turnLatency: new Histogram({
      name: 'turn_latency_seconds',
      help: "A turn's latency by stage; total is caller speech end to first bot frame sent",
      labelNames: ['stage'],
      buckets: TURN_BUCKETS,
      registers,
    }),
    handoffs: new Counter({
      name: 'conversation_handoffs_total',
      help: 'Hand-offs to a person, by reason',
      labelNames: ['reason'],
      registers,
    }),
  };
  cache.set(registry, metrics);

  return metrics;
}
