// Typed failures of calls to the control API.

/** Stable codes of `ControlApiError`. */
export type ControlErrorCode =
  /** No answer within the time-out (retryable). */
  | 'CONTROL_TIMEOUT'
  /** Connection refused, reset or closed (retryable). */
  | 'CONTROL_UNREACHABLE'
  /** 5xx or 408 (retryable). */
  | 'CONTROL_SERVER_ERROR'
  /** 429; `retryAfterMs` says when to come back (retryable). */
  | 'CONTROL_RATE_LIMITED'
  /** 401/403: the service token is missing or wrong (not retryable as is). */
  | 'CONTROL_UNAUTHORIZED'
  /** 404: unknown call. */
  | 'CONTROL_NOT_FOUND'
  /** Another 4xx: the API refused the request as it is (not retryable). */
  | 'CONTROL_REJECTED'
  /** A 2xx whose body is not what the contract says (retryable: a proxy may be at fault). */
  | 'CONTROL_BAD_RESPONSE'
  /** The caller aborted the request (the outbox does so on close). */
  | 'CONTROL_ABORTED';

/** A failed call to the control API. */
export class ControlApiError extends Error {
  /** Stable code. */
  readonly code: ControlErrorCode;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;
  /** HTTP status, when the API answered. */
  readonly status?: number;
  /** The API's `error.code`, when it sent one. */
  readonly apiCode?: string;
  /** From `Retry-After`, in milliseconds, when the API sent one. */
  readonly retryAfterMs?: number;

  constructor(
    code: ControlErrorCode,
    message: string,
    details: {
      retryable: boolean;
      status?: number;
      apiCode?: string;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = 'ControlApiError';
    this.code = code;
    this.retryable = details.retryable;
    if (details.status !== undefined) this.status = details.status;
    if (details.apiCode !== undefined) this.apiCode = details.apiCode;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** The error for an HTTP answer outside the expected statuses. */
export function httpError(
  status: number,
  body: string,
  retryAfter: string | undefined,
): ControlApiError {
  const { apiCode, message } = errorBody(body);
  const text = `control API answered ${status}${message ? `: ${message}` : ''}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(retryAfter);

    return new ControlApiError('CONTROL_RATE_LIMITED', text, {
      retryable: true,
      status,
      apiCode,
      retryAfterMs,
    });
  }
  if (status >= 500 || status === 408) {
    return new ControlApiError('CONTROL_SERVER_ERROR', text, { retryable: true, status, apiCode });
  }
  if (status === 401 || status === 403) {
    return new ControlApiError('CONTROL_UNAUTHORIZED', text, { retryable: false, status, apiCode });
  }
  const code = status === 404 ? 'CONTROL_NOT_FOUND' : 'CONTROL_REJECTED';

  return new ControlApiError(code, text, { retryable: false, status, apiCode });
}

/** Reads the API's `{ error: { code, message } }` body, if that is what it is. */
function errorBody(body: string): { apiCode?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const apiCode = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;

    return { apiCode, message };
  } catch {
    return { message: body.slice(0, 200) || undefined };
  }
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function parseRetryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;

  const dateMs = Date.parse(value);

  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - Date.now());
}

/** The codes that mean "these events are refused as they are": retrying cannot help. */
const REFUSALS: ReadonlySet<ControlErrorCode> = new Set(['CONTROL_REJECTED', 'CONTROL_NOT_FOUND']);

/** Whether the API refused the request as it is (a retry of the same events cannot succeed). */
export function isRefusal(error: unknown): error is ControlApiError {
  return error instanceof ControlApiError && REFUSALS.has(error.code);
}
