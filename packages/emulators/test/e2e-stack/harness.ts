// A stack on emulators with a scripted callee and a logged-in operator, for full-stack tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  loadConversationScript,
  loadFixtureManifest,
} from '../../src/script/conversation-script.js';
import type { ConversationScript, FixtureManifest } from '../../src/script/conversation-script.js';
import { startLocalStack, type LocalStack } from '../../src/stack/local-stack.js';
import { ScriptedCallee, type AnsweredStream } from '../../src/stack/scripted-callee.js';
import { StackApi, createUserWithCli, type CallDetail } from '../../src/stack/stack-api.js';

/** A running stack ready to place calls. */
export interface CallHarness {
  stack: LocalStack;
  api: StackApi;
  callee: ScriptedCallee;
  script: ConversationScript;
  manifest: FixtureManifest;
  /** Creates a lead and places a call to it; resolves with the call id and the answered stream. */
  placeCall(): Promise<{ callId: string; answered: AnsweredStream }>;
}

/** Starts the stack (logs in a temporary folder) with a callee playing `scriptName`. */
export async function startCallHarness(scriptName: string): Promise<CallHarness> {
  const manifest = await loadFixtureManifest();
  const script = await loadConversationScript(scriptName, { manifest });
  const callee = new ScriptedCallee({ script, manifest });
  const stack = await startLocalStack({
    logsDir: mkdtempSync(join(tmpdir(), 'voice-stack-logs-')),
    onStream: callee.onStream,
  });
  callee.authToken = stack.secrets.authToken;

  const credentials = {
    username: 'e2e-admin',
    password: 'e2e-password-0001',
    role: 'admin',
  } as const;
  await createUserWithCli(stack.controlApiEnv, credentials);
  const api = new StackApi(stack.controlApiUrl);
  await api.login(credentials.username, credentials.password);

  const placeCall = async () => {
    const phone = `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const leadId = await api.createLead({
      name: 'Rahul Sharma',
      phone,
      language: script.language,
      consent: true,
    });
    const answeredNow = new Promise<AnsweredStream>((resolve) => callee.once('answered', resolve));
    const callId = await api.placeCall(leadId);

    return { callId, answered: await answeredNow };
  };

  return { stack, api, callee, script, manifest, placeCall };
}

/** Polls the call record until `accept` holds or `timeoutMs` passes; returns the last read. */
export async function waitForRecord(
  api: StackApi,
  callId: string,
  accept: (record: CallDetail) => boolean,
  timeoutMs: number,
): Promise<CallDetail> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const record = await api.getCall(callId).catch(() => undefined);
    if (record !== undefined && (accept(record) || performance.now() > deadline)) return record;
    if (performance.now() > deadline) throw new Error(`call ${callId} could not be read`);
    await sleep(200);
  }
}

/** The texts of the utterances a script says, in order. */
export function scriptTexts(script: ConversationScript, manifest: FixtureManifest): string[] {
  return script.turns.flatMap((turn) => {
    if (turn.action.kind !== 'say') return [];
    const entry = manifest.byId.get(turn.action.utteranceId) as { text?: string } | undefined;

    return [entry?.text ?? ''];
  });
}
