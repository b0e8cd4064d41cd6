// The test bed of the turn and barge-in benchmarks: the whole stack (real bins) on emulators
// set to realistic provider latencies, an operator logged in, and calls placed through the
// control API and answered by a callee the benchmark supplies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  StackApi,
  createUserWithCli,
  startLocalStack,
  type LocalStack,
  type StreamRequest,
} from '@voice-agent/emulators';

/**
 * Provider latencies of the bed, in ms, close to what hosted services show from India:
 * - ASR: the Google emulator finalizes after 600 ms of trailing silence in the audio; 100 ms
 *   added to each streaming answer puts the final about 300 ms after the media core's VAD
 *   speech end (the VAD itself waits out part of that silence);
 * - LLM: first byte 350 ms after the request, then 15 ms per token;
 * - TTS: 200 ms added before Google TTS answers.
 */
export const REALISTIC_LATENCY = {
  asrAddedMs: 100,
  llmFirstByteMs: 350,
  llmTokenMs: 15,
  ttsAddedMs: 200,
};

/** Faults queued per emulator: far more than a benchmark run makes requests. */
const ALWAYS = 1_000_000;

/** A running bed. */
export interface Bed {
  /** The stack. */
  stack: LocalStack;
  /** Logged-in operator client. */
  api: StackApi;
  /** Places a call to a new lead in `language`; resolves with the call id. */
  placeCall(language: string): Promise<string>;
}

/** Starts the bed; every stream is handed to `onStream`. */
export async function startBed(onStream: (stream: StreamRequest) => Promise<void>): Promise<Bed> {
  const stack = await startLocalStack({
    logsDir: mkdtempSync(join(tmpdir(), 'voice-bench-logs-')),
    onStream,
    env: {
      emulators: {
        EMULATOR_OPENAI_LATENCY_MS: String(REALISTIC_LATENCY.llmFirstByteMs),
        EMULATOR_OPENAI_TOKEN_DELAY_MS: String(REALISTIC_LATENCY.llmTokenMs),
      },
    },
  });

  try {
    await addLatency(stack, 'google-speech', REALISTIC_LATENCY.asrAddedMs);
    await addLatency(stack, 'google-tts', REALISTIC_LATENCY.ttsAddedMs);
    const api = await operator(stack);

    return { stack, api, placeCall: (language) => placeCall(api, language) };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

async function addLatency(stack: LocalStack, emulator: string, ms: number): Promise<void> {
  const adminUrl = stack.emulators[emulator]?.['admin'];
  const response = await fetch(`${adminUrl}/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'latency', ms, count: ALWAYS }),
  });
  if (response.status !== 204) throw new Error(`${emulator}: latency not set (${response.status})`);
}

async function operator(stack: LocalStack): Promise<StackApi> {
  const user = { username: 'bench-admin', password: 'bench-password-0001', role: 'admin' } as const;
  await createUserWithCli(stack.controlApiEnv, user);
  const api = new StackApi(stack.controlApiUrl);
  await api.login(user.username, user.password);

  return api;
}

let leadCount = 0;

async function placeCall(api: StackApi, language: string): Promise<string> {
  leadCount++;
  const phone = `+9197${String(leadCount).padStart(8, '0')}`;
  const leadId = await api.createLead({ name: 'Rahul Sharma', phone, language, consent: true });

  return api.placeCall(leadId);
}
