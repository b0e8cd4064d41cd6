// The dialogue's LoanAgent (policy + OpenAI) seen through the pipeline's ConversationBrain.
import type { Logger } from 'pino';
import { LoanAgent, type AgentEvent } from '../dialogue/agent.js';
import type { LlmConfig } from '../dialogue/llm-config.js';
import { DialoguePolicy, type HandOffReason, type PolicyOptions } from '../dialogue/policy.js';
import type { AgentIdentity } from '../dialogue/prompt.js';
import { splitSentences } from '../dialogue/sentence-splitter.js';
import type {
  BrainEvent,
  BrainFactory,
  CallerTurn,
  ConversationBrain,
  PhraseName,
} from './brain.js';

/** What every call's agent is built from. */
export interface AgentBrainOptions {
  /** Where the LLM is (loadLlmConfig). */
  llm: LlmConfig;
  /** Logger; each call's agent logs through a child. */
  log: Logger;
  /** Who the bot is (default: the agent's own). */
  identity?: AgentIdentity;
  /** Qualification rules and hand-off thresholds, beyond the lead and language. */
  policy?: Omit<PolicyOptions, 'leadName' | 'language'>;
}

/** Yes/no words a key press stands for (1 = yes, 2 = no), per language. */
const KEY_WORDS: Record<string, Record<string, string>> = {
  'en-IN': { '1': 'Yes.', '2': 'No.' },
  'hi-IN': { '1': 'हाँ।', '2': 'नहीं।' },
};

/** Builds a LoanAgent-backed brain per call. */
export function agentBrains(options: AgentBrainOptions): BrainFactory {
  return (context) => {
    const policy = new DialoguePolicy({
      ...options.policy,
      leadName: context.leadName ?? '',
      language: context.language,
    });
    const agent = new LoanAgent({
      policy,
      llm: options.llm,
      logger: options.log.child({ callId: context.callId, component: 'dialogue' }),
      ...(options.identity ? { identity: options.identity } : {}),
    });

    return new AgentBrain(agent, policy);
  };
}

/** One call's brain over a LoanAgent. */
export class AgentBrain implements ConversationBrain {
  constructor(
    private readonly agent: LoanAgent,
    private readonly policy: DialoguePolicy,
  ) {}

  get language(): string {
    return this.policy.language;
  }

  get outcome(): string | undefined {
    return this.policy.outcome;
  }

  facts(): Record<string, unknown> {
    return { ...this.policy.facts };
  }

  opening(): Promise<string[]> {
    return Promise.resolve(splitSentences(this.agent.opening()));
  }

  async *reply(turn: CallerTurn, signal: AbortSignal): AsyncIterable<BrainEvent> {
    const confidence = turn.confidence ?? undefined;
    const events = this.agent.respond(
      { text: turn.text, confidence, language: turn.language },
      signal,
    );

    for await (const event of events) yield* this.translate(event);
  }

  async *dtmf(digit: string, signal: AbortSignal): AsyncIterable<BrainEvent> {
    const words = KEY_WORDS[this.policy.language] ?? KEY_WORDS['en-IN'];
    const text = words?.[digit];
    // Limit: only 1 and 2 mean something (yes and no); other keys get the "say again" phrase.
    if (text === undefined) return;

    yield* this.reply(
      { text, confidence: 1, language: this.policy.language, provider: 'dtmf' },
      signal,
    );
  }

  handOff(reason: string): void {
    if (!this.policy.ended) this.policy.handOff(reason as HandOffReason);
  }

  truncateLastReply(heardText: string): void {
    this.agent.truncateLastAssistant(heardText);
  }

  phrase(name: PhraseName): string {
    const phrases = this.agent.phrases;
    if (name === 'hold') return phrases.handOffHold;

    return name === 'apology' ? phrases.llmApology : phrases.repeat;
  }

  close(): Promise<void> {
    this.agent.close();

    return Promise.resolve();
  }

  private *translate(event: AgentEvent): Iterable<BrainEvent> {
    if (event.type === 'sentence') {
      yield { type: 'sentence', text: event.text };
      return;
    }

    if (event.type === 'tool') {
      yield* this.factOf(event);
      return;
    }

    if (event.cancelled) return;

    const { firstTokenMs, firstSentenceMs } = event.timings;
    yield {
      type: 'done',
      ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
      ...(firstSentenceMs !== undefined ? { firstSentenceMs } : {}),
    };
    const next = event.next;
    if (next.action === 'hand_off') yield { type: 'handoff', reason: next.reason };
    if (next.action === 'end') {
      yield {
        type: 'end',
        outcome: next.outcome,
        ...(next.callbackAt ? { callbackAt: next.callbackAt } : {}),
      };
    }
  }

  /** A record_fact the policy accepted becomes a fact event, with the normalised value. */
  private *factOf(event: Extract<AgentEvent, { type: 'tool' }>): Iterable<BrainEvent> {
    if (event.name !== 'record_fact' || !event.reply.ok) return;

    let name: unknown;
    try {
      name = (JSON.parse(event.arguments) as { name?: unknown }).name;
    } catch {
      return;
    }
    const facts = this.policy.facts as Record<string, unknown>;
    if (typeof name === 'string' && name in facts) yield { type: 'fact', name, value: facts[name] };
  }
}
