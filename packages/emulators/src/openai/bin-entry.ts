// How voice-emulators starts the OpenAI emulator: latency from the environment
// (EMULATOR_OPENAI_LATENCY_MS, EMULATOR_OPENAI_TOKEN_DELAY_MS), any bearer key accepted.
import type { Logger } from 'pino';
import { startOpenAiEmulator } from './server.js';

/** Defaults that resemble a hosted small model: first byte after 150 ms, 15 ms a token. */
const defaultLatencyMs = 150;
const defaultTokenDelayMs = 15;

/** Starts the emulator for the bin; answers its URLs and a close function. */
export async function startOpenAiForBin(context: {
  port: number;
  host: string;
  logger: Logger;
}): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const emulator = await startOpenAiEmulator({
    ...context,
    latencyMs: msFromEnv('EMULATOR_OPENAI_LATENCY_MS', defaultLatencyMs),
    tokenDelayMs: msFromEnv('EMULATOR_OPENAI_TOKEN_DELAY_MS', defaultTokenDelayMs),
  });

  return { urls: { url: emulator.baseUrl, admin: emulator.adminUrl }, close: emulator.close };
}

function msFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;

  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    throw new RangeError(
      `${name}: must be an integer of milliseconds from 0 to 60000, got "${text}"`,
    );
  }

  return ms;
}
