// Exactly-once call events across a control API restart: the API is stopped mid-call while the
// media core keeps talking (its outbox holds the events), then started again on the same
// SQLite file; every turn of the call must then be on record exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import type { CallDetail } from '../../src/stack/stack-api.js';
import { startCallHarness, scriptTexts, waitForRecord, type CallHarness } from './harness.js';

/** How long the control API stays down, in ms: long enough for turns to pile up. */
const DOWN_MS = 6000;

describe(
  'full stack: exactly-once events across a control API restart',
  { timeout: 90_000 },
  () => {
    let harness: CallHarness;

    before(async () => {
      harness = await startCallHarness('do-not-call-en-IN');
    });
    after(async () => {
      await harness?.stack.close();
    });

    it('stores every turn once after the API comes back', async () => {
      const { api, stack, script, manifest } = harness;
      const { callId, answered } = await harness.placeCall();

      // Stop the API once two caller turns are stored: the third (a barge-in), the outcome and
      // their replies then happen while it is down.
      const callerTurns = (r: CallDetail) => r.turns.filter((t) => t.role === 'caller').length;
      await waitForRecord(api, callId, (r) => callerTurns(r) >= 2, 30_000);
      await stack.stop('control-api');
      const stoppedAtMs = answered.caller.nowMs;
      await sleep(DOWN_MS);
      await stack.start('control-api');
      await answered.done;

      const record = await waitForRecord(
        api,
        callId,
        (r) => r.events.some((event) => event.type === 'call_ended'),
        30_000,
      );
      const callerTexts = record.turns.filter((t) => t.role === 'caller').map((t) => t.text);
      const ids = [...record.turns, ...record.events].map((item) => item.id);
      const spokenWhileDown = answered.caller.timeline.filter(
        (e) =>
          e.kind === 'callerAudioStart' && e.atMs > stoppedAtMs && e.atMs < stoppedAtMs + DOWN_MS,
      );

      assert.ok(spokenWhileDown.length > 0, 'the caller spoke while the API was down');
      assert.deepEqual(callerTexts, scriptTexts(script, manifest));
      assert.equal(new Set(ids).size, ids.length, 'no event id is stored twice');
      for (const type of ['call_started', 'outcome', 'call_ended']) {
        assert.equal(record.events.filter((e) => e.type === type).length, 1, `${type} once`);
      }
    });
  },
);
