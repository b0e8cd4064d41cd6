// One short step against the real media core bin, to show the whole measuring chain works:
// a child-process server, the generator in its own process, /metrics and /proc readings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { readProc } from '../../src/load/proc-stats.js';
import { MediaCoreProcess } from '../../src/load/server-process.js';
import { runStep } from '../../src/load/step.js';

const FIXTURE = fileURLToPath(
  new URL('../../../../fixtures/audio/long-call/long-call-en-IN.wav', import.meta.url),
);

test('a step of 3 real-time calls is measured from the server and the generator', async () => {
  const { server, port } = await MediaCoreProcess.start('ws');
  try {
    const idleRssBytes = readProc(server.pid).rssBytes;
    const step = await runStep(
      { server, port, idleRssBytes, idleCpuMsPerSecond: 0 },
      3,
      1000,
      FIXTURE,
    );

    assert.equal(server.transportInUse, 'ws');
    assert.deepEqual([step.connected, step.failed, step.closedEarly], [3, 0, 0]);
    // 3 calls × 50 frames/s over a 1 s window, give or take the window's edges and a tick.
    assert.ok(step.latencyFrames >= 120 && step.latencyFrames <= 180, `${step.latencyFrames}`);
    assert.ok(
      step.send.framesSent >= 140 && step.send.framesSent <= 160,
      `${step.send.framesSent}`,
    );
    assert.equal(step.protocolErrors, 0);
    assert.equal(step.droppedFrames, 0);
    // Frames wait for the DSP pool's 20 ms tick, so latency is above 0 and p99 ≥ p50.
    assert.ok(step.latencyP50Ms > 0 && step.latencyP99Ms >= step.latencyP50Ms);
    assert.ok(step.serverCpuMsPerSecond > 0 && step.generatorCpuMsPerSecond > 0);
    assert.ok(step.rssBytes > 0);
  } finally {
    await server.stop();
  }

  // stop() waited for the process: it is gone.
  assert.throws(() => readProc(server.pid), /ENOENT/);
});

test('without DSP, a step counts frames and CPU per frame, and observes no latency', async () => {
  const { server, port } = await MediaCoreProcess.start('uws', 'transport');
  try {
    const idleRssBytes = readProc(server.pid).rssBytes;
    const step = await runStep(
      { server, port, idleRssBytes, idleCpuMsPerSecond: 0 },
      3,
      1000,
      FIXTURE,
    );

    assert.deepEqual([step.connected, step.failed, step.closedEarly], [3, 0, 0]);
    // No DSP pool: no frame reaches 16 kHz PCM, so no latency and no DSP drop.
    assert.equal(step.latencyFrames, 0);
    assert.ok(Number.isNaN(step.latencyP99Ms));
    assert.equal(step.droppedFrames, 0);
    // 3 calls × 50 frames/s, give or take the window's edges.
    assert.ok(
      step.framesInPerSecond >= 120 && step.framesInPerSecond <= 180,
      `${step.framesInPerSecond}`,
    );
    assert.ok(step.cpuUsPerFrame > 0 && step.mainThreadCpuMsPerSecondPerCall > 0);
    // The verdict (held or broke) is the benchmark's finding, not this test's: on a loaded
    // machine a one-second window can close with frames still in flight.
  } finally {
    await server.stop();
  }
});

test('a server that cannot start is reported with the reason', async () => {
  const saved = process.env.DSP_THREADS;
  process.env.DSP_THREADS = 'many';
  try {
    await assert.rejects(MediaCoreProcess.start('ws'), /exited \(code 1\) before listening/);
  } finally {
    if (saved === undefined) delete process.env.DSP_THREADS;
    else process.env.DSP_THREADS = saved;
  }
});
