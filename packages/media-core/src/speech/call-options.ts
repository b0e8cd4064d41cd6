import type { CallOptions } from 'google-gax';

/**
 * gax call options for one attempt with no library retries: the failover decides what happens
 * after a failure, and gax's own backoff (seconds, for UNAVAILABLE) would only delay it.
 */
export function singleAttempt(timeoutMs: number): CallOptions {
  return { timeout: timeoutMs, retry: { retryCodes: [] } };
}
