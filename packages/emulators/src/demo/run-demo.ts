// The demo: the whole stack on emulators, one outbound call placed the real way
// (`POST /api/v1/calls` → Twilio REST emulator → TwiML → media stream → conversation → events →
// call record), a live transcript, the per-turn latency table, what the caller heard as a WAV,
// and the call's outcome and facts from the control API.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { DEFAULT_ASR_ROUTING, providersFor } from '@voice-agent/media-core/speech';

import {
  loadConversationScript,
  loadFixtureManifest,
  type ConversationScript,
} from '../script/conversation-script.js';
import type { LocalStack } from '../stack/local-stack.js';
import { startLocalStack } from '../stack/local-stack.js';
import { ScriptedCallee, type AnsweredStream } from '../stack/scripted-callee.js';
import { StackApi, createUserWithCli, type CallDetail } from '../stack/stack-api.js';
import type { DemoArgs } from './args.js';
import { failurePlan, injectFaults } from './fault.js';
import { callerResponses, latencyTable, serverLatencies } from './latency.js';
import { LiveTranscript } from './transcript.js';

/** Where the demo writes what the caller heard. */
export const HEARD_WAV_PATH = join('data', 'demo', 'heard.wav');

/** Longest the call may take, in ms: the longest fixture script runs about 80 s. */
const CALL_TIMEOUT_MS = 150_000;

/** Longest wait for the media core's last events to reach the call record, in ms. */
const EVENTS_TIMEOUT_MS = 15_000;

/** The throw-away operator the demo logs in as. */
const ADMIN = { username: 'demo-admin', password: 'demo-password-0001', role: 'admin' } as const;

/** A demo failure: the message is the line printed before exiting non-zero. */
export class DemoError extends Error {
  /** Stable code. */
  readonly code = 'DEMO_FAILED';
}

/** Runs the demo; resolves with the exit code. */
export async function runDemo(args: DemoArgs, print: (line: string) => void): Promise<number> {
  const manifest = await loadFixtureManifest();
  const script = await loadConversationScript(args.script ?? `loan-${args.language}`, { manifest });
  const note = ensureBargeIn(script);

  print(
    `voice-agent demo: script ${script.name} (${script.language}), ${script.turns.length} caller turns`,
  );
  if (note !== undefined) print(note);
  print('starting the emulators, the control API and the media core…');

  const callee = new ScriptedCallee({ script, manifest });
  const stack = await startLocalStack({ handleSignals: true, onStream: callee.onStream });
  callee.authToken = stack.secrets.authToken;

  // Every wait of the call is cut when the demo ends, so no timer outlives it.
  const ended = new AbortController();
  try {
    return await demoCall(stack, callee, script, args, print, ended.signal);
  } finally {
    ended.abort();
    await stack.close();
  }
}

async function demoCall(
  stack: LocalStack,
  callee: ScriptedCallee,
  script: ConversationScript,
  args: DemoArgs,
  print: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const broken = brokenStack(stack);
  print(`stack up: control API ${stack.controlApiUrl}, media core ${stack.mediaUrl}`);
  print(`emulated: ${stack.emulated.join(', ')}; logs in ${stack.logsDir}`);

  const api = await operator(stack);
  const leadId = await api.createLead({
    name: 'Rahul Sharma',
    phone: '+919812345678',
    language: script.language,
    consent: true,
  });
  const plan = args.failProvider && failurePlan(args.failProvider, midCallAudioMs(script));
  const adminUrl = args.failProvider && stack.emulators[asrEmulator(args.failProvider)]?.['admin'];
  if (plan && adminUrl) await injectFaults(adminUrl, plan.beforeCall);

  const callId = await api.placeCall(leadId);
  print(`\ncall ${callId} placed: POST /api/v1/calls → Twilio (emulated) → TwiML → media stream\n`);
  const provider = providersFor(DEFAULT_ASR_ROUTING, script.language)[0];
  const transcript = new LiveTranscript(api, callId, print, provider);
  transcript.start();

  const answered = await Promise.race([nextAnswer(callee, signal), broken]);
  if (plan && adminUrl) breakMidCall(answered, script, adminUrl, plan.midCall, print);
  const callTimeout = timeout(CALL_TIMEOUT_MS, 'the call did not end', signal);
  await Promise.race([answered.done, broken, callTimeout]);
  await Promise.race([eventsLanded(transcript, signal), broken]);
  const record = await transcript.stop();

  return report(stack, answered, record, script, print);
}

async function report(
  stack: LocalStack,
  answered: AnsweredStream,
  record: CallDetail,
  script: ConversationScript,
  print: (line: string) => void,
): Promise<number> {
  const server = await serverLatencies(record, stack.logPath('media-core'));
  print(
    '\nper-turn latency, ms (server: speech end → first bot frame sent; caller: last word → first bot audio heard)\n',
  );
  print(latencyTable(server, callerResponses(answered.caller.timeline)));

  const wavPath = resolve(HEARD_WAV_PATH);
  await mkdir(resolve('data', 'demo'), { recursive: true });
  await writeFile(wavPath, answered.caller.heardWav('linear16'));
  print(`\nwhat the caller heard: ${wavPath} (${(answered.caller.nowMs / 1000).toFixed(1)} s)`);

  print(`\ncall record ${record.id}: status ${record.status}`);
  print(`  outcome: ${JSON.stringify(record.outcome)}`);
  print(`  facts:   ${JSON.stringify(record.facts)}`);
  print(`  turns:   ${record.turns.length}, events: ${record.events.length}`);

  return verdict(record, script, print);
}

function verdict(record: CallDetail, script: ConversationScript, print: (line: string) => void) {
  const outcome = String(record.outcome?.['outcome'] ?? record.outcome?.['status'] ?? '');
  const expected = script.expectedOutcome;
  if (expected !== undefined && outcome !== expected) {
    print(`\nFAILED: the call ended with outcome "${outcome}", the script expects "${expected}"`);

    return 1;
  }

  print(`\ndemo finished: outcome ${outcome || 'none'}`);

  return 0;
}

/** Logs in as a fresh admin (created with voice-admin, as an operator would). */
async function operator(stack: LocalStack): Promise<StackApi> {
  await createUserWithCli(stack.controlApiEnv, ADMIN);
  const api = new StackApi(stack.controlApiUrl);
  await api.login(ADMIN.username, ADMIN.password);

  return api;
}

/** Rejects when a service of the stack dies: the demo must then stop with its log. */
function brokenStack(stack: LocalStack): Promise<never> {
  const broken = new Promise<never>((_resolve, reject) => {
    stack.once('serviceExit', (name, code, logPath) => {
      reject(new DemoError(`${name} exited unexpectedly (code ${String(code)}); log: ${logPath}`));
    });
  });
  broken.catch(() => undefined);

  return broken;
}

function nextAnswer(callee: ScriptedCallee, signal: AbortSignal): Promise<AnsweredStream> {
  return Promise.race([
    new Promise<AnsweredStream>((resolve) => callee.once('answered', resolve)),
    new Promise<never>((_resolve, reject) => callee.once('failed', reject)),
    timeout(20_000, 'the media stream never opened', signal),
  ]);
}

/** Switches the failure on as the caller starts the middle turn of the script. */
function breakMidCall(
  answered: AnsweredStream,
  script: ConversationScript,
  adminUrl: string,
  faults: Parameters<typeof injectFaults>[1],
  print: (line: string) => void,
): void {
  const middle = Math.ceil(script.turns.length / 2);
  let starts = 0;
  const onEntry = (entry: { kind: string }) => {
    if (entry.kind !== 'callerAudioStart' || ++starts !== middle) return;

    answered.caller.off('timeline', onEntry);
    print('  !! (demo) breaking the speech recognizer now');
    void injectFaults(adminUrl, faults).catch((error: Error) =>
      print(`  fault injection failed: ${error.message}`),
    );
  };
  if (faults.length > 0) answered.caller.on('timeline', onEntry);
}

/** Waits until the media core's `call_ended` event is in the record. */
async function eventsLanded(transcript: LiveTranscript, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + EVENTS_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const record = transcript.record;
    if (record?.events.some((event) => event.type === 'call_ended')) return;
    await sleep(200, undefined, { signal });
  }

  throw new DemoError('the call_ended event never reached the control API');
}

/** About half the script's audio: where a Google stream is dropped for `--fail-provider`. */
function midCallAudioMs(script: ConversationScript): number {
  return Math.max(4000, script.turns.length * 2500);
}

function asrEmulator(provider: 'google' | 'sarvam'): string {
  return provider === 'google' ? 'google-speech' : 'sarvam';
}

/**
 * A demo call shows a barge-in: a script without one gets its middle answer spoken over the
 * bot's question, 1.5 s in, as loan-en-IN does. Returns the line saying so, if it did.
 */
function ensureBargeIn(script: ConversationScript): string | undefined {
  if (script.turns.some((turn) => turn.start.kind === 'barge-in')) return undefined;

  const index = Math.floor(script.turns.length / 2);
  const turn = script.turns[index];
  if (turn === undefined || turn.action.kind !== 'say' || index === 0) return undefined;

  turn.start = { kind: 'barge-in', atMs: 1500 };
  return `(script has no barge-in: turn ${index + 1} now speaks over the bot, 1.5 s into its reply)`;
}

/** Rejects after `ms` (or, harmlessly, when `signal` aborts after the race is decided). */
function timeout(ms: number, what: string, signal: AbortSignal): Promise<never> {
  return sleep(ms, undefined, { signal }).then(() => {
    throw new DemoError(`${what} within ${ms / 1000} s`);
  });
}
