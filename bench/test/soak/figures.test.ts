import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { CallRecord } from '../../src/soak/call-runner.js';
import {
  MAX_RETAINED_HEAP_BYTES_PER_CALL,
  MAX_RSS_BYTES_PER_CALL,
  retainedBetween,
  tallies,
  verdict,
} from '../../src/soak/figures.js';

function call(script: string, result: CallRecord['result'], extra: Partial<CallRecord> = {}) {
  return {
    callId: `c-${Math.random()}`,
    script,
    startedAtMs: 0,
    durationMs: 20_000,
    result,
    endedByServer: false,
    turnsWithoutReply: 0,
    ...extra,
  } satisfies CallRecord;
}

test('calls are tallied per script and in all, outcomes of completed calls only', () => {
  const rows = tallies([
    call('loan-en-IN', 'completed', { outcome: 'qualified', durationMs: 80_000 }),
    call('short', 'completed', { outcome: 'do_not_call', endedByServer: true }),
    call('loan-en-IN', 'failed', { reason: 'connect: refused', turnsWithoutReply: 2 }),
    call('loan-en-IN', 'completed', { outcome: 'qualified', durationMs: 90_000 }),
    call('short', 'cut', { outcome: 'abandoned' }),
  ]);

  assert.deepEqual(
    rows.map((row) => [row.script, row.calls, row.completed, row.failed, row.cut]),
    [
      ['loan-en-IN', 3, 2, 1, 0],
      ['short', 2, 1, 0, 1],
      ['all', 5, 3, 1, 1],
    ],
  );
  assert.equal(rows[0]?.medianSeconds, 85);
  assert.deepEqual(rows[2]?.outcomes, { qualified: 2, do_not_call: 1 });
  assert.equal(rows[2]?.endedByServer, 1);
  assert.equal(rows[2]?.turnsWithoutReply, 2);
});

test('retained heap is the full-GC growth per call completed between the readings', () => {
  const retained = retainedBetween(
    { atMs: 60_000, rssBytes: 0, heapAfterGcBytes: 40e6, callsCompleted: 4 },
    { atMs: 180_000, rssBytes: 0, heapAfterGcBytes: 41e6, callsCompleted: 24 },
  );

  assert.deepEqual(retained, { bytesPerCall: 50_000, bytesPerMinute: 500_000, calls: 20 });
  assert.ok(Number.isNaN(retainedBetween(undefined, undefined).bytesPerCall));
});

test('memory is bounded only when both per-call growths are under their limits', () => {
  const halves = { firstHalfBytesPerCall: NaN, secondHalfBytesPerCall: NaN };
  const flat = {
    bytesPerCall: MAX_RSS_BYTES_PER_CALL / 2,
    bytesPerMinute: 0,
    samples: 20,
    ...halves,
  };
  const steep = {
    bytesPerCall: MAX_RSS_BYTES_PER_CALL * 2,
    bytesPerMinute: 0,
    samples: 20,
    firstHalfBytesPerCall: MAX_RSS_BYTES_PER_CALL * 2,
    secondHalfBytesPerCall: MAX_RSS_BYTES_PER_CALL * 2,
  };
  const kept = { bytesPerCall: MAX_RETAINED_HEAP_BYTES_PER_CALL / 2, bytesPerMinute: 0, calls: 9 };
  const leaked = {
    bytesPerCall: MAX_RETAINED_HEAP_BYTES_PER_CALL * 4,
    bytesPerMinute: 0,
    calls: 9,
  };

  assert.equal(verdict(flat, kept).bounded, true);
  assert.equal(verdict(steep, kept).bounded, false);
  assert.equal(verdict(flat, leaked).bounded, false);
  assert.match(verdict(flat, leaked).verdictReasons.join(' '), /retained heap 1024\.0 KiB\/call >/);
  assert.equal(verdict({ ...flat, bytesPerCall: NaN }, kept).bounded, undefined);
});

test('a steep RSS slope that slows to under half, with a flat heap, is settling: no verdict', () => {
  const kept = { bytesPerCall: 0, bytesPerMinute: 0, calls: 9 };
  const settling = {
    bytesPerCall: MAX_RSS_BYTES_PER_CALL * 2,
    bytesPerMinute: 0,
    samples: 20,
    firstHalfBytesPerCall: MAX_RSS_BYTES_PER_CALL * 4,
    secondHalfBytesPerCall: MAX_RSS_BYTES_PER_CALL * 1.5,
  };

  const result = verdict(settling, kept);

  assert.equal(result.bounded, undefined);
  assert.match(
    result.verdictReasons.join(' '),
    /steps or is slowing down while the heap stayed flat/,
  );
});
