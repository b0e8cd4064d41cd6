// One streamed chat-completions request, with an idle time-out, and the retry loop around it.
import type OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { LlmError, toLlmError } from './errors.js';
import { dialogueTools } from './tools.js';

/** What one request sends. */
export interface CompletionRequest {
  /** The whole conversation, system prompt first. */
  messages: ChatCompletionMessageParam[];
  /** 'none' on the last tool round, so the model has to speak. */
  toolChoice: ChatCompletionToolChoiceOption;
}

/** Where and how to send it. */
export interface StreamSettings {
  /** The SDK client (its baseURL points at OpenAI or the emulator). */
  client: OpenAI;
  /** Model name. */
  model: string;
  /** Longest wait for the answer to start, and between two chunks, in ms. */
  timeoutMs: number;
  /** Cancels the request (barge-in, or the agent closing). */
  signal: AbortSignal;
}

/**
 * Streams one request's chunks. The idle timer runs only while waiting on the network, not
 * while the consumer holds a chunk, so a slow consumer is never taken for a stalled provider.
 */
export async function* streamCompletion(
  request: CompletionRequest,
  settings: StreamSettings,
): AsyncGenerator<ChatCompletionChunk> {
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  settings.signal.addEventListener('abort', cancel, { once: true });

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
  };

  try {
    arm();
    const stream = await settings.client.chat.completions.create(
      {
        model: settings.model,
        messages: request.messages,
        tools: dialogueTools,
        tool_choice: request.toolChoice,
        stream: true,
      },
      { signal: controller.signal, timeout: settings.timeoutMs, maxRetries: 0 },
    );

    let finished = false;
    for await (const chunk of stream) {
      clearTimeout(timer);
      finished ||= Boolean(chunk.choices[0]?.finish_reason);
      yield chunk;
      arm();
    }

    // The SDK ends the iteration quietly when its signal aborts, so a time-out, a cancel and
    // a stream cut short are told apart here.
    if (timedOut) throw new LlmError('LLM_TIMEOUT', 'openai: stream stalled');
    if (settings.signal.aborted) throw new LlmError('LLM_ABORTED', 'openai: request cancelled');
    if (!finished)
      throw new LlmError('LLM_CONNECTION', 'openai: stream ended without finish_reason');
  } catch (error) {
    throw toLlmError(error, timedOut && !settings.signal.aborted);
  } finally {
    clearTimeout(timer);
    settings.signal.removeEventListener('abort', cancel);
    controller.abort();
  }
}

/** How hard to retry within one turn. */
export interface RetryBudget {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Most time the turn may spend on the LLM, in ms, from `startedAt`. */
  budgetMs: number;
  /** performance.now() when the turn started. */
  startedAt: number;
  /** Called before each retry (for logs and counts). */
  onRetry(error: LlmError, attempt: number): void;
}

/**
 * Streams a request, retrying a retryable failure that came before any content or tool call
 * (once words were passed on, a retry would repeat them, so that failure is final).
 */
export async function* streamWithRetries(
  request: CompletionRequest,
  settings: StreamSettings,
  budget: RetryBudget,
): AsyncGenerator<ChatCompletionChunk> {
  for (let attempt = 0; ; attempt += 1) {
    const remainingMs = budget.budgetMs - (performance.now() - budget.startedAt);
    if (remainingMs <= 0) throw new LlmError('LLM_TIMEOUT', 'openai: retry budget spent');

    let committed = false;
    try {
      const timeoutMs = Math.min(settings.timeoutMs, remainingMs);
      for await (const chunk of streamCompletion(request, { ...settings, timeoutMs })) {
        committed ||= carriesOutput(chunk);
        yield chunk;
      }
      return;
    } catch (error) {
      const failure = toLlmError(error, false);
      const backoffMs = Math.min(200 * 2 ** attempt, 1000);
      const spentMs = performance.now() - budget.startedAt;
      const last = attempt >= budget.maxRetries || spentMs + backoffMs >= budget.budgetMs;
      if (committed || !failure.retryable || last) throw failure;

      budget.onRetry(failure, attempt + 1);
      await sleep(backoffMs, settings.signal);
    }
  }
}

function carriesOutput(chunk: ChatCompletionChunk): boolean {
  const delta = chunk.choices[0]?.delta;

  return Boolean(delta?.content || delta?.tool_calls?.length);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new LlmError('LLM_ABORTED', 'openai: request cancelled'));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
