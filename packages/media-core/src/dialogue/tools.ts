// The tools the LLM may call, as OpenAI function schemas, and how each call is applied to the
// policy. The policy checks every value; the tool result tells the LLM what comes next.
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { factOrder } from './facts.js';
import type { DialoguePolicy, NextStep, PolicyReply } from './policy.js';

/** Names of the tools. */
export type ToolName = 'record_fact' | 'hand_off' | 'end_call' | 'schedule_callback';

/** The tool schemas sent with every request. */
export const dialogueTools: ChatCompletionFunctionTool[] = [
  fn('record_fact', 'Record one fact the caller gave.', {
    name: { type: 'string', enum: [...factOrder], description: 'Which fact.' },
    value: {
      type: ['string', 'number', 'boolean'],
      description: 'The value: true/false, a loan type, an amount in rupees or in words, a city.',
    },
  }),
  fn('hand_off', 'Pass the call to a human loan officer.', {
    reason: { type: 'string', description: 'Why, e.g. caller_asked.' },
  }),
  fn(
    'end_call',
    'End the call because the caller refused or asked to stop.',
    {
      outcome: { type: 'string', enum: ['do_not_call', 'not_interested', 'callback'] },
      callback_at: { type: 'string', description: 'ISO 8601 time with offset, for callback.' },
    },
    ['outcome'],
  ),
  fn('schedule_callback', 'End the call with a call-back at the time the caller asked for.', {
    at: {
      type: 'string',
      description: 'ISO 8601 time with offset, e.g. 2025-01-02T17:00:00+05:30.',
    },
  }),
];

function fn(
  name: ToolName,
  description: string,
  properties: Record<string, unknown>,
  required: string[] = Object.keys(properties),
): ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: {
      name,
      description,
      parameters: { type: 'object', properties, required, additionalProperties: false },
    },
  };
}

/** One tool call the LLM made, arguments still as JSON text. */
export interface ToolCall {
  /** The call id, echoed in the tool result. */
  id: string;
  /** The tool. */
  name: string;
  /** JSON arguments as streamed. */
  arguments: string;
}

/** Applies a tool call to the policy; a malformed call is refused, never thrown. */
export function applyToolCall(policy: DialoguePolicy, call: ToolCall): PolicyReply {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    args = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { ok: false, error: 'arguments: not valid JSON', next: policy.next() };
  }

  switch (call.name) {
    case 'record_fact':
      return policy.recordFact(String(args.name), args.value);
    case 'hand_off':
      // Limit: the LLM's free-text reason is not kept; every LLM hand-off counts as caller_asked.
      return { ok: true, next: policy.handOff('caller_asked') };
    case 'end_call':
      return policy.endCall(String(args.outcome), args.callback_at as string | undefined);
    case 'schedule_callback':
      return policy.scheduleCallback(args.at);
    default:
      return { ok: false, error: `name: unknown tool ${call.name}`, next: policy.next() };
  }
}

/**
 * Whether the policy overruled words spoken along with tool calls: a call was refused (the
 * words assumed it was not), or the rules rather than the caller decided the outcome (the
 * qualification verdict, an amount above the hand-off limit), which the model could not know.
 */
// Limit: words that ask for another fact than the policy's next (a model that skipped the
// `order` line) are not caught; the caller answers that question, the answer is recorded, and
// the skipped fact is asked for later.
export function wordsOverruled(replies: readonly PolicyReply[], next: NextStep): boolean {
  if (replies.some((reply) => !reply.ok)) return true;

  if (next.action === 'hand_off') return next.reason !== 'caller_asked';

  return (
    next.action === 'end' && (next.outcome === 'qualified' || next.outcome === 'not_qualified')
  );
}
