import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { StepResult } from '../../src/load/step.js';
import { comparisonTable, type TransportRun } from '../../src/load/tables.js';
import {
  transportCpuPlot,
  transportRatioTable,
  transportStepsTable,
} from '../../src/load/transport-tables.js';

/** A step with the figures the transport tables read; the rest are zeros. */
function step(calls: number, cpuPerCall: number, lagP99Ms = 2): StepResult {
  return {
    calls,
    connected: calls,
    failed: 0,
    failures: [],
    closedEarly: 0,
    earlyCloses: [],
    latencyP50Ms: NaN,
    latencyP99Ms: NaN,
    latencyOverflow: false,
    latencyP99BucketMs: [NaN, NaN],
    dspBatchP99Ms: NaN,
    latencyFrames: 0,
    lateFrames: 0,
    lateFramesWholeCalls: 0,
    droppedFrames: 0,
    badFramesPercent: 0,
    receivedPercent: 100,
    loopDelayP99Ms: 12,
    serverCpuMsPerSecond: cpuPerCall * calls,
    mainThreadCpuMsPerSecond: 0.8 * cpuPerCall * calls,
    cpuMsPerSecondPerCall: cpuPerCall,
    mainThreadCpuMsPerSecondPerCall: 0.8 * cpuPerCall,
    cpuMsPerSecondPerCallAboveIdle: cpuPerCall,
    framesInPerSecond: 50 * calls,
    cpuUsPerFrame: (1000 * cpuPerCall) / 50,
    generatorCpuMsPerSecond: 100,
    rssBytes: 1,
    rssPerCallBytes: 2048,
    protocolErrors: 0,
    send: {
      windowMs: 1000,
      framesSent: 50 * calls,
      lateSends: 0,
      lagP50Ms: 1,
      lagP99Ms: lagP99Ms,
      lagMaxMs: lagP99Ms,
      maxBufferedBytes: 0,
    },
    loadAverage: 1,
    generatorBehind: lagP99Ms > 20,
    brokenBecause: [],
  };
}

function run(transport: string, steps: StepResult[]): TransportRun {
  return {
    pipeline: 'transport',
    transport,
    transportInUse: transport,
    idleRssBytes: 0,
    idleLoopDelayP99Ms: 10,
    idleCpuMsPerSecond: 3,
    steps,
  };
}

test('the ratio table divides ws by uws at the call counts both reached', () => {
  const runs = [
    run('uws', [step(100, 0.5), step(400, 0.4), step(800, 0.4, 35)]),
    run('ws', [step(100, 0.75), step(400, 0.6)]),
  ];
  const table = transportRatioTable(runs);

  assert.ok(table !== undefined);
  // 800 calls: ws never reached it, so no row.
  assert.deepEqual(table.rows, [
    ['100', '1.50', '1.50', '1.50', '1.00', '1.00', 'no'],
    ['400', '1.50', '1.50', '1.50', '1.00', '1.00', 'no'],
  ]);
  assert.equal(transportRatioTable([runs[0] as TransportRun]), undefined);
});

test('the full-pipeline comparison divides ws by uws the same way', () => {
  const uws = { ...step(50, 0.5), latencyP99Ms: 20 };
  const ws = { ...step(50, 1), latencyP99Ms: 30 };
  const table = comparisonTable([run('uws', [uws]), run('ws', [ws, step(200, 1)])]);

  assert.ok(table !== undefined);
  assert.deepEqual(table.rows, [['50', '1.50', '2.00', '2.00', '1.00']]);
  assert.equal(comparisonTable([run('ws', [ws])]), undefined);
});

test('the steps table gives per-call CPU and flags a generator that fell behind', () => {
  const table = transportStepsTable([run('uws', [step(1600, 0.25, 40)])]);
  const row = table.rows[0] as string[];
  const cell = (column: string) => row[table.columns.indexOf(column)];

  assert.equal(cell('frames in /s'), '80000');
  assert.equal(cell('CPU ms/s per call'), '0.250');
  assert.equal(cell('main thread ms/s per call'), '0.200');
  assert.equal(cell('CPU µs per frame'), '5.0');
  assert.equal(cell('RSS KB per call'), '2');
  assert.equal(cell('verdict'), 'held [generator behind]');
});

test('the CPU plot has a process line and a dashed main-thread line per transport', () => {
  const svg = transportCpuPlot([run('uws', [step(100, 0.5)]), run('ws', [step(100, 0.75)])]);

  for (const name of ['uws process', 'uws main', 'ws process', 'ws main']) {
    assert.ok(svg.includes(`<g data-series="${name}">`), name);
  }
  assert.equal(svg.match(/<polyline [^>]*stroke-dasharray/g)?.length, 2);
});
