// One outbound call through the whole stack, every part a real process or a real peer:
// POST /api/v1/calls → Twilio REST emulator → TwiML from the control API → media stream to the
// media core → conversation on the provider emulators → events → the call record.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startCallHarness, scriptTexts, waitForRecord, type CallHarness } from './harness.js';

describe('full stack: an outbound call end to end', { timeout: 90_000 }, () => {
  let harness: CallHarness;

  before(async () => {
    harness = await startCallHarness('do-not-call-en-IN');
  });
  after(async () => {
    await harness?.stack.close();
  });

  it('ends with the caller turns, the outcome, the facts and a latency summary on record', async () => {
    const { api, stack, script, manifest } = harness;
    const { callId, answered } = await harness.placeCall();
    await answered.done;
    const record = await waitForRecord(
      api,
      callId,
      (r) => r.events.some((event) => event.type === 'call_ended'),
      15_000,
    );

    const callerTexts = record.turns.filter((t) => t.role === 'caller').map((t) => t.text);
    assert.deepEqual(callerTexts, scriptTexts(script, manifest));
    assert.ok(
      record.turns.filter((t) => t.role === 'agent').length >= 3,
      'the bot spoke each turn',
    );
    assert.equal(record.outcome?.['outcome'], 'do_not_call');
    assert.equal(record.facts['name_confirmed'], true);
    assert.ok(record.latency_summary?.['totalMs'], 'a per-stage latency summary is stored');
    assert.ok(
      record.events.some((e) => e.type === 'bargein'),
      'the scripted barge-in is recorded',
    );
    assert.equal(record.twilio_sid, answered.caller.callSid, 'the stream carried Twilio’s CallSid');

    const twilioCall = await stack.twilio?.waitForCall(answered.caller.callSid);
    assert.equal(twilioCall?.status, 'completed');
    assert.ok(twilioCall?.actions.some((action) => action.verb === 'Connect/Stream'));
    assert.ok(answered.caller.timeline.some((entry) => entry.kind === 'clearReceived'));
    assert.deepEqual(answered.caller.protocolErrors, []);
  });
});
