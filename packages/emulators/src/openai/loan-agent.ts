// The emulator's deterministic loan agent: reads the conversation (system prompt call state,
// tool results, the caller's messages) and answers as a well-prompted model does: the words for
// the step after its tool calls and the tool calls themselves, in one response.
import { factOrder } from '@voice-agent/media-core/dialogue';
import { lastToolRefused, readCallState, type CallState, type ChatMessage } from './call-state.js';
import { replyFor } from './replies.js';
import { understand, type PlannedCall } from './understand.js';

/** What the agent answers to one request: text to speak, tool calls, or both. */
export interface AgentDecision {
  /** Text of the reply (empty when only tools are called). */
  content: string;
  /** Tool calls (empty when it only speaks). */
  toolCalls: PlannedCall[];
}

/**
 * Decides the answer to a request. After the caller spoke it calls the tools their words call
 * for (when tools are allowed) and words the step those calls lead to; after tool results, and
 * when the words called for no tool, it words the next step of the call state.
 */
export function decide(messages: readonly ChatMessage[], toolsAllowed: boolean): AgentDecision {
  const state = readCallState(messages);
  const last = messages.at(-1);

  if (last?.role === 'user' && toolsAllowed) {
    const toolCalls = understandUnrecorded(messages, state);
    if (toolCalls.length > 0) {
      return { content: wordsWith(toolCalls, state, orderOf(messages)), toolCalls };
    }
  }

  return { content: replyFor(state, lastToolRefused(messages)), toolCalls: [] };
}

/**
 * The tool calls of the caller's messages since the last tool calls: usually just the last
 * message, but a barge-in that cut a reply before its tool calls leaves an earlier one whose
 * facts a model would still record. A later value of a fact replaces an earlier one; a
 * request that ends the collection (a person, a refusal, a call-back) replaces them all.
 */
function understandUnrecorded(messages: readonly ChatMessage[], state: CallState): PlannedCall[] {
  const lastTools = messages.findLastIndex((message) => {
    return message.role === 'tool' || message.toolCalls.length > 0;
  });
  const said = messages.slice(lastTools + 1).filter((message) => message.role === 'user');
  const calls = said.flatMap((message) => understand(message.content, state));

  const terminal = calls.findLast((call) => call.name !== 'record_fact');
  if (terminal) return [terminal];

  const byFact = new Map(calls.map((call) => [String(call.arguments.name), call]));
  return [...byFact.values()];
}

/**
 * The words that go with the tool calls: the reply for the step they lead to, as the model
 * foresees it from the facts and the `order` line. Empty (tools only) when that step is not the
 * model's to know: the read-back's verdict comes from the rules, in the tool result.
 */
function wordsWith(
  calls: readonly PlannedCall[],
  state: CallState,
  order: readonly string[],
): string {
  const facts = { ...state.facts };
  for (const call of calls) {
    if (call.name === 'record_fact') facts[String(call.arguments.name)] = call.arguments.value;
  }

  const confirming = calls.some((call) => call.arguments.name === 'details_confirmed');
  const next = confirming ? undefined : foreseenStep(calls, facts, order);

  return next === undefined ? '' : replyFor({ ...state, facts, next }, false);
}

/** The step after the calls, in the call state's `next` form; undefined when not foreseeable. */
function foreseenStep(
  calls: readonly PlannedCall[],
  facts: Record<string, unknown>,
  order: readonly string[],
): string | undefined {
  const terminal = calls.find((call) => call.name !== 'record_fact');
  if (terminal?.name === 'hand_off') return 'hand_off caller_asked';
  if (terminal?.name === 'end_call') return `end ${String(terminal.arguments.outcome)}`;
  if (terminal?.name === 'schedule_callback')
    return `end callback ${String(terminal.arguments.at)}`;

  if (facts.name_confirmed === false || facts.consent === false) return 'end not_interested';

  const missing = order.find((name) => facts[name] === undefined);
  if (missing === undefined) return undefined;

  return missing === 'details_confirmed' ? 'confirm' : `ask ${missing}`;
}

/** The fact order of the system prompt's `order:` line, else the product's own order. */
function orderOf(messages: readonly ChatMessage[]): readonly string[] {
  const system = messages.find((message) => message.role === 'system')?.content ?? '';
  const line = /^order: (.+)$/m.exec(system)?.[1];

  return line ? line.split(',').map((name) => name.trim()) : factOrder;
}
