// The pipeline's own behaviour on one real-time call over real sockets (speech emulators, the
// caller emulator, a control API peer): a cough during bot speech is a false interruption and
// the bot resumes its sentence; words during bot speech cut it and the history keeps only what
// was heard; DTMF 0 hands off. A scripted dialogue says known words so the cut can be checked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadFixtureManifest, readFixtureMuLaw } from '../../src/script/conversation-script.js';
import { TwilioCaller, type TimelineEntry } from '../../src/twilio-caller/index.js';
import { LONG_REPLY, scriptedBrains, type BrainLog } from './scripted-brain.js';
import { startStack, type Stack } from './stack.js';

const CALL_ID = 'call-barge-in';

/** Longest wait for the bot to start or finish a reply, in ms of media clock. */
const REPLY_TIMEOUT_MS = 15_000;

interface Observed {
  brain: BrainLog;
  timeline: TimelineEntry[];
  /** Media clock of the cough and of the barge-in utterance. */
  coughAtMs: number;
  bargeAtMs: number;
  metrics: Record<string, number>;
  botAfterCoughMs: number | undefined;
}

let stack: Stack;
let seen: Observed;

async function metricValue(name: string): Promise<number> {
  const metric = stack.agent.server.metrics.registry.getSingleMetric(name);
  const data = await metric?.get();

  return data?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

async function waitReplyEnd(caller: TwilioCaller): Promise<void> {
  assert.ok(await caller.waitFor(() => caller.botSpeaking, REPLY_TIMEOUT_MS), 'bot never spoke');
  let quietSince = caller.nowMs;
  await caller.waitFor(() => {
    if (caller.botSpeaking) quietSince = caller.nowMs;
    return caller.nowMs - quietSince >= 500;
  }, REPLY_TIMEOUT_MS);
}

async function playCall(): Promise<Observed> {
  const brain: BrainLog = { turns: [], truncations: [], digits: [], handOffs: [] };
  // The cough fixture's burst is voiced for about 120 ms (WebRTC VAD, mode 3): under the 200 ms
  // default, so this call lowers the threshold to let the cough interrupt the bot.
  stack = await startStack({
    brains: scriptedBrains(brain),
    env: { BARGE_IN_MIN_SPEECH_MS: '100' },
  });
  const manifest = await loadFixtureManifest();
  const say = async (id: string) => readFixtureMuLaw(manifest, id);

  const caller = await TwilioCaller.connect({
    url: stack.agent.url,
    customParameters: { callId: CALL_ID, language: 'en-IN' },
  });
  await caller.sendAudio(await say('en-IN.greeting'));
  await waitReplyEnd(caller);
  await caller.sendAudio(await say('en-IN.loan-type'));

  // A cough 1.5 s into the long reply: the bot stops, hears no words, resumes.
  assert.ok(await caller.waitFor(() => caller.botSpeaking, REPLY_TIMEOUT_MS));
  await caller.wait(1500);
  const coughAtMs = caller.nowMs;
  await caller.sendAudio(await say('cough'));
  await caller.waitFor(() => !caller.botSpeaking, 2000);
  const resumed = await caller.waitFor(() => caller.botSpeaking, 5000);
  const botAfterCoughMs = resumed ? caller.nowMs - coughAtMs : undefined;

  // Words 1.5 s into the resumed sentence: a real barge-in.
  await caller.wait(1500);
  const bargeAtMs = caller.nowMs;
  await caller.sendAudio(await say('en-IN.amount'));
  assert.ok(
    await caller.waitFor(() => brain.turns.length >= 2, REPLY_TIMEOUT_MS),
    'no second turn',
  );

  // DTMF 0 during the reply to the amount: hold phrase, then the hand-off request.
  assert.ok(await caller.waitFor(() => caller.botSpeaking, REPLY_TIMEOUT_MS));
  await caller.wait(600);
  caller.dtmf('0');
  await caller.waitFor(() => stack.peer.handoffs.length > 0, 8000);
  await caller.stop();
  await stack.agent.settled();
  await stack.peer.waitFor(CALL_ID, 'call_ended', 5000);

  const metrics = {
    bargeIns: await metricValue('bargein_total'),
    falseBargeIns: await metricValue('bargein_false_total'),
  };

  return { brain, timeline: caller.timeline, coughAtMs, bargeAtMs, metrics, botAfterCoughMs };
}

describe('conversation pipeline on a real-time call', { timeout: 60_000 }, () => {
  before(async () => {
    seen = await playCall();
  });
  after(async () => {
    await stack?.close();
  });

  it('stops for a cough and resumes the rest of the sentence', () => {
    const clears = seen.timeline.filter((e) => e.kind === 'clearReceived');
    assert.ok(clears.length >= 1, 'no clear reached the caller');
    assert.ok(seen.botAfterCoughMs !== undefined, 'the bot did not resume after the cough');
    // Cough (1 s fixture) + the false-interruption window (1.5 s) + slack.
    assert.ok(seen.botAfterCoughMs < 4000, `resumed ${seen.botAfterCoughMs} ms after the cough`);
    assert.equal(seen.metrics.falseBargeIns, 1);
    // The bot picks up where it was cut: the rest of the same sentence, not a new start.
    const resumed = stack.peer.of(CALL_ID, 'bargein').find((e) => e.payload['false'] === true);
    const rest = String(resumed?.payload['resumedText']);
    assert.ok(LONG_REPLY.endsWith(rest) && rest.length < LONG_REPLY.length, `resumed: "${rest}"`);
  });

  it('cuts the bot for words and keeps only what the caller heard', () => {
    assert.equal(seen.metrics.bargeIns, 2, 'cough and words both stopped the bot');
    const second = seen.brain.turns[1];
    assert.equal(second?.text, 'About twenty five lakh rupees.');

    // What the caller heard: the start of the reply up to the cough, then the resumed part up
    // to the words; never the whole sentence.
    const cut = seen.brain.truncations.at(-1) ?? '';
    assert.ok(cut.startsWith('Home loans') && cut.length < LONG_REPLY.length, `heard: "${cut}"`);
  });

  it('hands off on DTMF 0 through the control API', () => {
    assert.deepEqual(stack.peer.handoffs, [{ callId: CALL_ID, reason: 'dtmf' }]);
    assert.deepEqual(seen.brain.handOffs, ['dtmf']);
    assert.equal(stack.peer.of(CALL_ID, 'handoff_requested').length, 1);
    assert.equal(stack.peer.of(CALL_ID, 'dtmf')[0]?.payload['digit'], '0');
  });

  it('reports the call to the control API', () => {
    const types = (stack.peer.events.get(CALL_ID) ?? []).map((e) => e.type);
    assert.equal(types[0], 'call_started');
    assert.ok(types.includes('bargein'));
    const outcome = stack.peer.of(CALL_ID, 'outcome')[0];
    assert.equal(outcome?.payload['outcome'], 'handed_off');
    assert.equal(types.at(-1), 'call_ended');
  });
});
