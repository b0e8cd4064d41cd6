import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { LagHistogram } from '../../src/load/lag-histogram.js';
import { loadOptions } from '../../src/load/options.js';
import { cpuMsFromStat, rssBytesFromStatus } from '../../src/load/proc-stats.js';
import { FRAME_BYTES, loadFramePayloads, mediaMessage } from '../../src/load/twilio-frames.js';

const FIXTURE = fileURLToPath(
  new URL('../../../../fixtures/audio/en-IN/greeting.wav', import.meta.url),
);

test('/proc readings: CPU from utime + stime whatever the command name holds, RSS in bytes', () => {
  // Fields after the name: state, ppid, pgrp, session, tty, tpgid, flags, minflt, cminflt,
  // majflt, cmajflt, utime (14), stime (15).
  const stat = '42 (node (x) y) S 1 42 42 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 11 0';

  assert.equal(cpuMsFromStat(stat), ((250 + 50) * 1000) / 100);
  assert.equal(rssBytesFromStatus('Name:\tnode\nVmRSS:\t   81234 kB\nThreads: 11\n'), 81234 * 1024);
  assert.throws(() => rssBytesFromStatus('Name:\tnode\n'), /no VmRSS line/);
});

test('the lag histogram reads quantiles to 1 ms and keeps the exact maximum', () => {
  const lag = new LagHistogram(100);
  for (let i = 0; i < 98; i++) lag.record(1.5);
  lag.record(30.2);
  lag.record(250);

  assert.equal(lag.count, 100);
  assert.equal(lag.quantileMs(0.5), 1);
  assert.equal(lag.quantileMs(0.99), 30);
  assert.equal(lag.quantileMs(1), 100);
  assert.equal(lag.maxLagMs, 250);
  lag.reset();
  assert.ok(Number.isNaN(lag.quantileMs(0.99)));
});

test('the fixture becomes whole 20 ms frames of base64 μ-law in Twilio media messages', () => {
  const frames = loadFramePayloads(FIXTURE);

  // greeting.wav is 1936 ms of 8 kHz μ-law: 96 whole frames.
  assert.equal(frames.length, 96);
  assert.ok(frames.every((frame) => Buffer.from(frame, 'base64').length === FRAME_BYTES));

  const message = JSON.parse(mediaMessage('MZ1', 3, frames[0] as string)) as Record<
    string,
    unknown
  >;
  assert.deepEqual(message, {
    event: 'media',
    sequenceNumber: '4',
    media: { track: 'inbound', chunk: '3', timestamp: '40', payload: frames[0] },
    streamSid: 'MZ1',
  });
});

test('options: defaults, --quick, and errors that name the variable', () => {
  const full = loadOptions(['node', 'main.js', 'load'], {});
  assert.deepEqual(full.steps, [1, 50, 100, 200, 400, 800]);
  assert.deepEqual(full.transports, ['uws', 'ws']);
  assert.deepEqual(full.pipelines, ['full', 'transport']);
  assert.deepEqual(full.transportSteps, [100, 400, 800, 1600]);

  const quick = loadOptions(['node', 'main.js', 'load', '--quick'], { LOAD_TRANSPORTS: 'ws' });
  assert.ok(quick.quick && quick.stepMs < full.stepMs && quick.steps.length < full.steps.length);
  assert.ok(quick.transportStepMs < full.transportStepMs);
  assert.ok(quick.transportSteps.length < full.transportSteps.length);
  assert.deepEqual(quick.transports, ['ws']);

  const only = loadOptions([], { LOAD_PIPELINES: 'transport', LOAD_TRANSPORT_STEPS: '10,20' });
  assert.deepEqual([only.pipelines, only.transportSteps], [['transport'], [10, 20]]);

  assert.throws(() => loadOptions([], { LOAD_STEPS: '50,10' }), /LOAD_STEPS must be ascending/);
  assert.throws(() => loadOptions([], { LOAD_STEP_SECONDS: '0' }), /LOAD_STEP_SECONDS/);
  assert.throws(() => loadOptions([], { LOAD_TRANSPORTS: 'uws,h2' }), /LOAD_TRANSPORTS/);
  assert.throws(
    () => loadOptions([], { LOAD_TRANSPORT_STEPS: '0' }),
    /LOAD_TRANSPORT_STEPS must be ascending/,
  );
  assert.throws(
    () => loadOptions([], { LOAD_TRANSPORT_STEP_SECONDS: '700' }),
    /LOAD_TRANSPORT_STEP_SECONDS/,
  );
  assert.throws(() => loadOptions([], { LOAD_PIPELINES: 'full,full' }), /LOAD_PIPELINES/);
});
