// Where the LLM is and how long to wait for it, from the environment.

/** The LLM's configuration. */
export interface LlmConfig {
  /** OPENAI_API_KEY, or a placeholder for the local emulator. */
  apiKey: string;
  /** OPENAI_BASE_URL (ends with /v1); undefined: the real service. */
  baseUrl: string | undefined;
  /** OPENAI_MODEL (default gpt-4o-mini). */
  model: string;
  /** LLM_TIMEOUT_MS: longest wait for the first token, and between two chunks (default 5000). */
  timeoutMs: number;
  /** LLM_MAX_RETRIES: retries of a failed request within a turn (default 2). */
  maxRetries: number;
  /** LLM_RETRY_BUDGET_MS: most time a turn spends on the LLM, retries included (default 9000). */
  retryBudgetMs: number;
  /** True when no key is set and the local emulator stands in. */
  emulated: boolean;
}

/** Where the emulator listens when OPENAI_BASE_URL is unset (voice-emulators' default port). */
export const defaultEmulatorBaseUrl = 'http://127.0.0.1:8093/v1';

/** A variable broke its rule; names it. */
export class LlmConfigError extends Error {
  /** Stable code. */
  readonly code = 'LLM_CONFIG_INVALID';
}

/** Reads the LLM configuration; throws LlmConfigError naming the first bad variable. */
export function loadLlmConfig(env: Record<string, string | undefined> = process.env): LlmConfig {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseUrl = env.OPENAI_BASE_URL?.trim() || undefined;
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new LlmConfigError('OPENAI_BASE_URL: must be an http(s) URL ending with /v1');
  }

  return {
    apiKey: apiKey ?? 'emulator',
    baseUrl: apiKey ? baseUrl : (baseUrl ?? defaultEmulatorBaseUrl),
    model: env.OPENAI_MODEL?.trim() || 'gpt-4o-mini',
    timeoutMs: integer(env, 'LLM_TIMEOUT_MS', 5000, 100, 120_000),
    maxRetries: integer(env, 'LLM_MAX_RETRIES', 2, 0, 10),
    retryBudgetMs: integer(env, 'LLM_RETRY_BUDGET_MS', 9000, 100, 300_000),
    emulated: apiKey === undefined,
  };
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name]?.trim();
  if (!text) return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LlmConfigError(`${name}: must be an integer from ${min} to ${max}, got "${text}"`);
  }

  return value;
}
