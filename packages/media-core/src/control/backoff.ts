// Retry delays for the outbox.

/** Backoff settings, in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry (before jitter). */
  baseDelayMs: number;
  /** Bound on any delay, `Retry-After` included. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (1-based): exponential, capped at `maxDelayMs`, with
 * "equal jitter" (a random point in the upper half), so media cores that lost the API together
 * do not come back in step, yet no retry comes sooner than half the nominal delay.
 * A `Retry-After` from the API is honoured up to `maxDelayMs`.
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const nominalMs = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  const jitteredMs = nominalMs / 2 + (random() * nominalMs) / 2;

  return Math.min(options.maxDelayMs, Math.max(jitteredMs, retryAfterMs ?? 0));
}
