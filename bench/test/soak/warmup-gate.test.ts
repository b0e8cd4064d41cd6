import { test } from 'node:test';
import assert from 'node:assert/strict';

import { WarmupGate } from '../../src/soak/warmup-gate.js';

function gate(slots: number): { gate: WarmupGate; ends: boolean[] } {
  const ends: boolean[] = [];

  return { gate: new WarmupGate(slots, (forced) => ends.push(forced)), ends };
}

test('the warm-up ends when the minimum has passed and every slot has ended a call', () => {
  const { gate: warmup, ends } = gate(2);

  warmup.callEnded(0);
  warmup.callEnded(0);
  warmup.minimumReached();
  assert.deepEqual(ends, []);

  warmup.callEnded(1);
  assert.deepEqual(ends, [false]);
  assert.equal(warmup.hasEnded, true);
});

test('every slot cycling before the minimum still waits for the minimum', () => {
  const { gate: warmup, ends } = gate(1);

  warmup.callEnded(0);
  assert.deepEqual(ends, []);
  warmup.minimumReached();
  assert.deepEqual(ends, [false]);
});

test('forcing ends it once, marked forced only when a slot had not cycled', () => {
  const { gate: warmup, ends } = gate(3);
  warmup.minimumReached();
  warmup.callEnded(2);

  warmup.force();
  warmup.force();
  warmup.callEnded(0);
  warmup.callEnded(1);

  assert.deepEqual(ends, [true]);
  assert.equal(warmup.wasForced, true);

  const { gate: cycled, ends: cycledEnds } = gate(1);
  cycled.callEnded(0);
  cycled.force();
  assert.deepEqual(cycledEnds, [false]);
});
