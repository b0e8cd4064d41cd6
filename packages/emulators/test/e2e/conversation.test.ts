// Whole loan calls over real sockets: the caller emulator plays the fixture scripts against
// the voice agent (startVoiceAgent) on the speech emulators, the OpenAI emulator and a
// control API peer, which must receive the right outcome, facts and latency figures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startOpenAiEmulator, type OpenAiEmulator } from '../../src/openai/server.js';
import {
  loadConversationScript,
  loadFixtureManifest,
} from '../../src/script/conversation-script.js';
import { TwilioCaller, type TimelineEntry } from '../../src/twilio-caller/index.js';
import { startStack, type Stack } from './stack.js';

/** Calls run this many times faster than real time (playback and caller share the clock). */
const SPEED = 3;

let openai: OpenAiEmulator;
let stack: Stack;

/** Plays a script as one call; resolves once the control peer has the call's end. */
async function playScript(name: string, callId: string, language: string): Promise<TwilioCaller> {
  stack.peer.leads.set(callId, { name: 'Rahul Sharma', language });
  const script = await loadConversationScript(name);
  const caller = await TwilioCaller.connect({
    url: stack.agent.url,
    customParameters: { callId, language },
    speed: SPEED,
  });
  await caller.playScript(script, await loadFixtureManifest());
  await stack.peer.waitFor(callId, 'call_ended', 10_000);

  return caller;
}

/** Longest silence the caller sat through between its last word and the bot's reply, in ms. */
function longestWaitMs(timeline: TimelineEntry[]): number {
  let longest = 0;
  let callerStoppedAt: number | undefined;
  for (const entry of timeline) {
    if (entry.kind === 'callerAudioStop') callerStoppedAt = entry.atMs;
    if (entry.kind === 'botAudioStart' && callerStoppedAt !== undefined) {
      longest = Math.max(longest, entry.atMs - callerStoppedAt);
      callerStoppedAt = undefined;
    }
  }

  return longest;
}

describe('loan conversations end to end', { timeout: 120_000 }, () => {
  before(async () => {
    openai = await startOpenAiEmulator();
    stack = await startStack({ speed: SPEED, openAiBaseUrl: openai.baseUrl });
  });
  after(async () => {
    await stack?.close();
    await openai?.close();
  });

  for (const { script, language } of [
    { script: 'loan-en-IN', language: 'en-IN' },
    { script: 'loan-hi-IN', language: 'hi-IN' },
  ]) {
    it(`${script}: qualified, with the caller's facts`, async () => {
      const callId = `call-${script}`;
      const caller = await playScript(script, callId, language);

      const outcome = stack.peer.of(callId, 'outcome')[0]?.payload;
      assert.equal(outcome?.['outcome'], 'qualified', JSON.stringify(outcome));
      const facts = outcome?.['facts'] as Record<string, unknown>;
      assert.equal(facts['loan_type'], 'home');
      assert.equal(facts['amount_inr'], 2_500_000);
      assert.equal(facts['monthly_income_inr'], 80_000);
      assert.match(String(facts['city']), /^(pune|पुणे)$/i);

      const callerTurns = stack.peer
        .of(callId, 'turn')
        .filter((t) => t.payload['role'] === 'caller');
      assert.ok(callerTurns.length >= 9, `caller turns: ${callerTurns.length}`);
      const summary = stack.peer.of(callId, 'latency_summary')[0]?.payload;
      assert.ok(summary?.['totalMs'] !== undefined, 'latency summary has the total');
      // Never left in silence: each reply began within 9 s of media clock (3 s of wall time at
      // SPEED 3) after the caller. A hang waits far longer; turn latency itself is measured by
      // `npm run bench -- turn`, not asserted here, since a loaded machine stretches it.
      assert.ok(
        longestWaitMs(caller.timeline) < 9000,
        `waited ${longestWaitMs(caller.timeline)} ms`,
      );
    });
  }

  it('loan-ta-IN: a Tamil call gets Tamil replies and ends in the call-back asked for', async () => {
    const callId = 'call-loan-ta-IN';
    await playScript('loan-ta-IN', callId, 'ta-IN');

    const outcome = stack.peer.of(callId, 'outcome')[0]?.payload;
    assert.equal(outcome?.['outcome'], 'callback', JSON.stringify(outcome));
    // "நாளை மாலை 5 மணிக்கு": tomorrow, 5 pm in the caller's time zone.
    assert.match(String(outcome?.['callback_at']), /T17:00:00\+05:30$/);
    const facts = outcome?.['facts'] as Record<string, unknown>;
    assert.equal(facts['loan_type'], 'home');
    assert.equal(facts['amount_inr'], 2_500_000);

    const agentSaid = stack.peer
      .of(callId, 'turn')
      .filter((t) => t.payload['role'] === 'agent')
      .map((t) => String(t.payload['text']));
    // The bot also says the time back to the caller.
    assert.match(agentSaid.join(' '), /நாளை மாலை 5 மணிக்கு/);
    assert.ok(
      agentSaid.every((text) => /[\u0b80-\u0bff]/.test(text)),
      agentSaid.join(' | '),
    );
  });

  it('an LLM outage ends in the apology and a hand-off', async () => {
    const callId = 'call-llm-outage';
    stack.peer.leads.set(callId, { name: 'Rahul Sharma', language: 'en-IN' });
    const caller = await TwilioCaller.connect({
      url: stack.agent.url,
      customParameters: { callId, language: 'en-IN' },
      speed: SPEED,
    });
    const manifest = await loadFixtureManifest();
    const script = await loadConversationScript('loan-en-IN');
    // Greeting, then the name; the LLM is down from the first reply on.
    openai.faults.inject({ kind: 'fail', code: 500, count: 50 });
    const short = { ...script, turns: script.turns.slice(0, 2) };
    await caller.playScript(short, manifest);
    await stack.peer.waitFor(callId, 'call_ended', 10_000);
    openai.faults.clear();

    assert.deepEqual(stack.peer.handoffs, [{ callId, reason: 'llm_failure' }]);
    const agentSaid = stack.peer
      .of(callId, 'turn')
      .filter((t) => t.payload['role'] === 'agent')
      .map((t) => String(t.payload['text']));
    assert.ok(
      agentSaid.some((text) => text.includes('trouble')),
      agentSaid.join(' | '),
    );
    assert.equal(stack.peer.of(callId, 'outcome')[0]?.payload['outcome'], 'handed_off');
  });
});
