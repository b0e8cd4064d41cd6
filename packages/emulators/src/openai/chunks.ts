// OpenAI's wire format for chat completions: the streamed `chat.completion.chunk` objects
// (server-sent events, ended by `data: [DONE]`), the whole `chat.completion`, and errors.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { PlannedCall } from './understand.js';

/** The fields every chunk of one completion shares. */
export interface CompletionHead {
  /** `chatcmpl-…`, the same in every chunk. */
  id: string;
  /** Unix time in seconds. */
  created: number;
  /** The model the request named. */
  model: string;
}

/** A fresh completion id and time. */
export function completionHead(model: string): CompletionHead {
  return {
    id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

/** An id for a tool call, `call_…` as OpenAI makes them. */
export function toolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

/** One `chat.completion.chunk` with a single choice. */
export function chunk(
  head: CompletionHead,
  delta: Record<string, unknown>,
  finishReason: 'stop' | 'tool_calls' | null = null,
): Record<string, unknown> {
  return {
    ...head,
    object: 'chat.completion.chunk',
    system_fingerprint: 'fp_emulator',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The pieces a reply streams as: the text word by word (with its following space). */
export function textPieces(content: string): string[] {
  return content.match(/\S+\s*/g) ?? [];
}

/**
 * The deltas of tool calls as OpenAI streams them: per call, a first delta with id, type and
 * name and empty arguments, then the arguments JSON in two pieces.
 */
export function toolCallDeltas(calls: readonly PlannedCall[]): Record<string, unknown>[] {
  return calls.flatMap((call, index) => {
    const args = JSON.stringify(call.arguments);
    const half = Math.ceil(args.length / 2);
    const opening = {
      index,
      id: toolCallId(),
      type: 'function',
      function: { name: call.name, arguments: '' },
    };

    return [
      { tool_calls: [opening] },
      { tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] },
      { tool_calls: [{ index, function: { arguments: args.slice(half) } }] },
    ];
  });
}

/** The non-streamed `chat.completion`. */
export function completion(
  head: CompletionHead,
  content: string,
  calls: readonly PlannedCall[],
  promptChars: number,
): Record<string, unknown> {
  const toolCalls = calls.map((call) => ({
    id: toolCallId(),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const completionTokens = textPieces(content).length + toolCalls.length * 8;
  const promptTokens = Math.ceil(promptChars / 4);
  const message = {
    role: 'assistant',
    content: content === '' && calls.length > 0 ? null : content,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };

  return {
    ...head,
    object: 'chat.completion',
    system_fingerprint: 'fp_emulator',
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** Writes one server-sent event `data: …` line pair. */
export function writeEvent(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** OpenAI's error body and its `type` and `code` per status. */
export function openAiError(status: number, message: string): Record<string, unknown> {
  const kinds: Record<number, [string, string | null]> = {
    400: ['invalid_request_error', null],
    401: ['invalid_request_error', 'invalid_api_key'],
    404: ['invalid_request_error', 'unknown_url'],
    429: ['requests', 'rate_limit_exceeded'],
  };
  const [type, code] =
    kinds[status] ?? (status >= 500 ? ['server_error', null] : ['invalid_request_error', null]);

  return { error: { message, type, param: null, code } };
}
