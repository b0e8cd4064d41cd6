// The emulator's deterministic loan agent: reads the conversation (system prompt call state,
// tool results, the caller's last message) and decides on tool calls or a spoken reply.
import { lastToolRefused, readCallState, type ChatMessage } from './call-state.js';
import { replyFor } from './replies.js';
import { understand, type PlannedCall } from './understand.js';

/** What the agent answers to one request: tool calls, or text to speak. */
export interface AgentDecision {
  /** Text of the reply (empty when tools are called). */
  content: string;
  /** Tool calls (empty when it speaks). */
  toolCalls: PlannedCall[];
}

/**
 * Decides the answer to a request. After the caller spoke it calls the tools their words call
 * for (when tools are allowed); otherwise, and after tool results, it words the next step.
 */
export function decide(messages: readonly ChatMessage[], toolsAllowed: boolean): AgentDecision {
  const state = readCallState(messages);
  const last = messages.at(-1);

  if (last?.role === 'user' && toolsAllowed) {
    const toolCalls = understand(last.content, state);
    if (toolCalls.length > 0) return { content: '', toolCalls };
  }

  return { content: replyFor(state, lastToolRefused(messages)), toolCalls: [] };
}
