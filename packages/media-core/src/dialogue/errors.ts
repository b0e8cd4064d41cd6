// Typed failures of the LLM: each carries a stable code, whether a retry can help, the
// provider and its request id, so the agent's retry loop decides from the error alone.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** Stable codes of LlmError. */
export type LlmErrorCode =
  /** No first token, or no chunk, within LLM_TIMEOUT_MS (retryable). */
  | 'LLM_TIMEOUT'
  /** Connection refused, reset or dropped mid-stream (retryable). */
  | 'LLM_CONNECTION'
  /** 429 (retryable). */
  | 'LLM_RATE_LIMITED'
  /** 5xx, 408 or 409 (retryable). */
  | 'LLM_SERVER'
  /** 401/403: the key is wrong (not retryable). */
  | 'LLM_AUTH'
  /** Another 4xx: the request as sent is refused (not retryable). */
  | 'LLM_BAD_REQUEST'
  /** The turn was cancelled (barge-in); not a failure of the provider. */
  | 'LLM_ABORTED';

/** A failed LLM request. */
export class LlmError extends Error {
  /** Stable code. */
  readonly code: LlmErrorCode;
  /** Whether the same request may succeed if sent again. */
  readonly retryable: boolean;
  /** The provider, `openai` (or whatever stands at its base URL). */
  readonly provider = 'openai';
  /** HTTP status, when the provider answered. */
  readonly status: number | undefined;
  /** The provider's request id (x-request-id), when it sent one. */
  readonly requestId: string | undefined;

  constructor(
    code: LlmErrorCode,
    message: string,
    details: { status?: number; requestId?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'LlmError';
    this.code = code;
    this.retryable = !['LLM_AUTH', 'LLM_BAD_REQUEST', 'LLM_ABORTED'].includes(code);
    this.status = details.status;
    this.requestId = details.requestId ?? undefined;
  }
}

/** Turns whatever the SDK threw into an LlmError; `timedOut` says our idle timer fired. */
export function toLlmError(error: unknown, timedOut: boolean): LlmError {
  if (error instanceof LlmError) return error;

  const message = (error as Error)?.message ?? String(error);
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return new LlmError('LLM_TIMEOUT', `openai: no answer in time (${message})`, { cause: error });
  }

  if (error instanceof APIUserAbortError || (error as Error)?.name === 'AbortError') {
    return new LlmError('LLM_ABORTED', 'openai: request cancelled', { cause: error });
  }

  if (error instanceof APIConnectionError) {
    return new LlmError('LLM_CONNECTION', `openai: ${message}`, { cause: error });
  }

  if (error instanceof APIError && typeof error.status === 'number') {
    const details = { status: error.status, requestId: error.requestID, cause: error };
    return new LlmError(codeForStatus(error.status), `openai: ${message}`, details);
  }

  // undici reports a socket closed mid-body as a TypeError ("terminated").
  return new LlmError('LLM_CONNECTION', `openai: stream broke (${message})`, { cause: error });
}

function codeForStatus(status: number): LlmErrorCode {
  if (status === 401 || status === 403) return 'LLM_AUTH';

  if (status === 429) return 'LLM_RATE_LIMITED';

  if (status >= 500 || status === 408 || status === 409) return 'LLM_SERVER';

  return 'LLM_BAD_REQUEST';
}
