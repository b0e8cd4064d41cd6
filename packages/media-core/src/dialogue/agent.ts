// The loan agent: one caller turn in, a stream of events out. The policy decides what comes
// next; OpenAI (streaming chat with tools) understands the caller and words the reply, which
// is cut into sentences as it streams so text-to-speech can start on the first one. The model
// answers with its words and its tool calls in one response, so most turns take one request.
import OpenAI from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { LlmError } from './errors.js';
import type { LlmConfig } from './llm-config.js';
import { streamWithRetries } from './llm-stream.js';
import { dialogueTexts, fillPhrase, type Phrases } from './phrases.js';
import type { CallerTurn, DialoguePolicy, NextStep, PolicyReply } from './policy.js';
import { callState, systemPrompt, type AgentIdentity } from './prompt.js';
import { SentenceSplitter } from './sentence-splitter.js';
import { applyToolCall, wordsOverruled, type ToolCall } from './tools.js';

/** What a turn produces, in order. */
export type AgentEvent =
  /** A complete sentence to speak, as soon as it is complete. */
  | { type: 'sentence'; text: string; language: string; fixed: boolean }
  /** A tool call the LLM made, and what the policy answered. */
  | { type: 'tool'; name: string; arguments: string; reply: PolicyReply }
  /** The turn is over: what comes next, timings, and the failure or cancel, if any. */
  | { type: 'done'; next: NextStep; timings: TurnTimings; cancelled: boolean; error?: LlmError };

/** How long a turn took, in ms from the moment the transcript was handed in. */
export interface TurnTimings {
  /** To the first token of spoken text (undefined: no LLM text this turn). */
  firstTokenMs: number | undefined;
  /** To the first complete sentence (undefined: nothing spoken). */
  firstSentenceMs: number | undefined;
  /** To the end of the turn. */
  totalMs: number;
  /** LLM requests sent, retries included. */
  requests: number;
  /** Of which retries. */
  retries: number;
}

/** How an agent is built. */
export interface LoanAgentOptions {
  /** The call's policy (the agent applies tool calls to it). */
  policy: DialoguePolicy;
  /** Where the LLM is and how long to wait for it. */
  llm: LlmConfig;
  /** Who the bot is (default Asha of Example Finance). */
  identity?: AgentIdentity;
  /** The call's logger (default: silent). */
  logger?: Logger;
  /** Offset of the caller's local time from UTC, in minutes (default 330, IST). */
  utcOffsetMinutes?: number;
  /** Tool rounds a turn may take before the model must speak (default 3). */
  maxToolRounds?: number;
  /** The clock, for the `now` the LLM resolves call-back times from (default Date.now). */
  now?: () => number;
}

/** One round's output: what was said and which tools were called. */
interface RoundResult {
  content: string;
  toolCalls: ToolCall[];
}

/** Per-turn bookkeeping. */
interface TurnState {
  startedAt: number;
  signal: AbortSignal;
  timings: TurnTimings;
  spoken: number;
}

const defaultIdentity: AgentIdentity = { agentName: 'Asha', lenderName: 'Example Finance' };

/** The LLM side of one call. */
export class LoanAgent {
  /** The call's policy. */
  readonly policy: DialoguePolicy;
  private readonly client: OpenAI;
  private readonly llm: LlmConfig;
  private readonly identity: AgentIdentity;
  private readonly log: Logger;
  private readonly utcOffsetMinutes: number;
  private readonly maxToolRounds: number;
  private readonly now: () => number;
  private readonly messages: ChatCompletionMessageParam[] = [];
  private readonly closed = new AbortController();

  constructor(options: LoanAgentOptions) {
    this.policy = options.policy;
    this.llm = options.llm;
    this.identity = options.identity ?? defaultIdentity;
    this.log = options.logger ?? pino({ level: 'silent' });
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 330;
    this.maxToolRounds = options.maxToolRounds ?? 3;
    this.now = options.now ?? Date.now;
    // The SDK's own retries are off: the agent retries within its per-turn budget instead.
    this.client = new OpenAI({
      apiKey: options.llm.apiKey,
      baseURL: options.llm.baseUrl,
      maxRetries: 0,
      timeout: options.llm.timeoutMs,
    });
  }

  /** The conversation so far (without the system prompt, which is rebuilt every request). */
  get history(): readonly ChatCompletionMessageParam[] {
    return this.messages;
  }

  /** The fixed phrases of the policy's current language. */
  get phrases(): Phrases {
    return dialogueTexts(this.policy.language).phrases;
  }

  /** The first words of the call (AI and recording disclosure, name question); kept in history. */
  opening(): string {
    const values = { ...this.identity, leadName: this.policy.leadName };
    const text = fillPhrase(this.phrases.opening, values);
    this.messages.push({ role: 'assistant', content: text });

    return text;
  }

  /**
   * Answers one final transcript. Sentences come as soon as each is complete; `done` ends
   * every turn (also a failed or cancelled one). Aborting `signal` (barge-in) stops the stream.
   */
  async *respond(turn: CallerTurn, signal?: AbortSignal): AsyncGenerator<AgentEvent> {
    const state: TurnState = {
      startedAt: performance.now(),
      signal: AbortSignal.any([this.closed.signal, ...(signal ? [signal] : [])]),
      timings: {
        firstTokenMs: undefined,
        firstSentenceMs: undefined,
        totalMs: 0,
        requests: 0,
        retries: 0,
      },
      spoken: 0,
    };

    const step = this.policy.onCallerTurn(turn);
    if (step.action === 'repeat' || step.action === 'hand_off' || this.policy.ended) {
      yield* this.speakFixed(step, state);
      return yield this.done(state, false);
    }

    this.messages.push({ role: 'user', content: turn.text });
    try {
      yield* this.converse(state);
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      if (error.code === 'LLM_ABORTED') return yield this.done(state, true);

      yield* this.failOver(error, state);
      return yield this.done(state, false, error);
    }

    if (state.spoken === 0) yield* this.speakFixed(this.policy.next(), state);
    yield this.done(state, false);
  }

  /**
   * Replaces the last reply in the history with what the caller heard of it (from the marks),
   * so the model does not believe it said words that a barge-in cut off.
   */
  truncateLastAssistant(heardText: string): void {
    const lastUser = this.messages.findLastIndex((message) => message.role === 'user');
    const replies = this.messages
      .slice(lastUser + 1)
      .filter((message): message is ChatCompletionAssistantMessageParam => {
        return message.role === 'assistant' && typeof message.content === 'string';
      });

    const heard = heardText.trim();
    replies.forEach((reply, index) => {
      const text = index === 0 ? heard : '';
      if (text || reply.tool_calls?.length) reply.content = text || null;
      else this.messages.splice(this.messages.indexOf(reply), 1);
    });
  }

  /** Cancels any turn in flight; idempotent. */
  close(): void {
    this.closed.abort();
  }

  /**
   * Requests until the model has spoken for the step the policy is at. The common turn takes
   * one: the words (streamed out sentence by sentence) and the tool calls in one response. A
   * follow-up is asked for only when tools were called without words, or when the policy
   * overruled the words (see wordsOverruled).
   */
  // Limit: a barge-in that cuts the words also drops the tool calls that would have followed
  // them; the caller's message stays in the history, so the model records those facts on the
  // next turn (the emulator re-reads the caller's messages whose facts it has not recorded).
  private async *converse(state: TurnState): AsyncGenerator<AgentEvent> {
    for (let round = 1; round <= this.maxToolRounds; round += 1) {
      const toolChoice = round === this.maxToolRounds ? 'none' : 'auto';
      const result = yield* this.streamRound(toolChoice, state);
      this.remember(result);
      if (result.toolCalls.length === 0) return;

      // All calls are applied and answered before the first event goes out: a consumer that
      // stops at an event (barge-in) must not leave a call id without its tool message, which
      // the API refuses on the next request.
      const answered = result.toolCalls.map((call) => {
        return { call, reply: applyToolCall(this.policy, call) };
      });
      for (const { call, reply } of answered) {
        this.messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(reply) });
      }
      for (const { call, reply } of answered) {
        yield { type: 'tool', name: call.name, arguments: call.arguments, reply };
      }

      const replies = answered.map(({ reply }) => reply);
      if (result.content && !wordsOverruled(replies, this.policy.next())) return;
      this.log.debug({ round, spoke: Boolean(result.content) }, 'llm follow-up after tools');
    }
  }

  /** One request: streams sentences out as they complete and gathers the tool calls. */
  private async *streamRound(
    toolChoice: 'auto' | 'none',
    state: TurnState,
  ): AsyncGenerator<AgentEvent, RoundResult> {
    const texts = dialogueTexts(this.policy.language);
    const stateBlock = callState(this.policy, this.now(), this.utcOffsetMinutes);
    const system = systemPrompt(texts.systemPrompt, this.identity, stateBlock);
    const request = {
      messages: [{ role: 'system' as const, content: system }, ...this.messages],
      toolChoice,
    };

    const splitter = new SentenceSplitter();
    const calls = new Map<number, ToolCall>();
    let content = '';
    state.timings.requests += 1;

    const settings = {
      client: this.client,
      model: this.llm.model,
      timeoutMs: this.llm.timeoutMs,
      signal: state.signal,
    };
    const budget = {
      maxRetries: this.llm.maxRetries,
      budgetMs: this.llm.retryBudgetMs,
      startedAt: state.startedAt,
      onRetry: (error: LlmError, attempt: number) => {
        state.timings.requests += 1;
        state.timings.retries += 1;
        this.log.warn({ code: error.code, status: error.status, attempt }, 'llm request retried');
      },
    };

    try {
      for await (const chunk of streamWithRetries(request, settings, budget)) {
        const delta = chunk.choices[0]?.delta;
        for (const part of delta?.tool_calls ?? []) gatherToolCall(calls, part);

        if (!delta?.content) continue;
        state.timings.firstTokenMs ??= performance.now() - state.startedAt;
        content += delta.content;
        for (const text of splitter.push(delta.content)) yield this.sentence(text, state, false);
      }
    } catch (error) {
      // What was generated before a cancel stays in the history until the session truncates
      // it to what the caller heard.
      if (content) this.messages.push({ role: 'assistant', content });
      throw error;
    }

    for (const text of splitter.flush()) yield this.sentence(text, state, false);

    return { content, toolCalls: [...calls.values()] };
  }

  private remember(result: RoundResult): void {
    if (!result.content && result.toolCalls.length === 0) return;

    const message: ChatCompletionAssistantMessageParam = {
      role: 'assistant',
      content: result.content || null,
    };
    if (result.toolCalls.length > 0) {
      message.tool_calls = result.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    }

    this.messages.push(message);
  }

  /** The LLM failed past its budget: apologise (fixed phrase) and hand the call to a person. */
  private async *failOver(error: LlmError, state: TurnState): AsyncGenerator<AgentEvent> {
    this.log.error(
      { code: error.code, status: error.status, requestId: error.requestId },
      'llm failed, handing off',
    );
    this.policy.handOff('llm_failure');

    const text = this.phrases.llmApology;
    this.messages.push({ role: 'assistant', content: text });
    yield this.sentence(text, state, true);
  }

  /** Speaks the fixed phrase for a step the LLM is not asked about. */
  private async *speakFixed(step: NextStep, state: TurnState): AsyncGenerator<AgentEvent> {
    const phrases = this.phrases;
    const text =
      step.action === 'hand_off'
        ? phrases.handOffHold
        : step.action === 'end'
          ? phrases.goodbye
          : phrases.repeat;
    this.messages.push({ role: 'assistant', content: text });

    yield this.sentence(text, state, true);
  }

  private sentence(text: string, state: TurnState, fixed: boolean): AgentEvent {
    state.spoken += 1;
    state.timings.firstSentenceMs ??= performance.now() - state.startedAt;

    return { type: 'sentence', text, language: this.policy.language, fixed };
  }

  private done(state: TurnState, cancelled: boolean, error?: LlmError): AgentEvent {
    state.timings.totalMs = performance.now() - state.startedAt;
    this.log.debug({ ...state.timings, cancelled }, 'llm turn done');

    const event: AgentEvent = {
      type: 'done',
      next: this.policy.next(),
      timings: state.timings,
      cancelled,
    };
    return error ? { ...event, error } : event;
  }
}

/** Streamed tool calls arrive in pieces keyed by index: the first has id and name. */
function gatherToolCall(
  calls: Map<number, ToolCall>,
  part: { index: number; id?: string; function?: { name?: string; arguments?: string } },
): void {
  const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
  call.id ||= part.id ?? '';
  call.name ||= part.function?.name ?? '';
  call.arguments += part.function?.arguments ?? '';
  calls.set(part.index, call);
}
