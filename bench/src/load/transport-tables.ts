// The transport-only run (the media server without DSP) as printed: one row per transport and
// step, the ws ÷ uws ratios, and the plot of CPU per call against calls. No latency here: the
// frame latency metric ends at the 16 kHz PCM the DSP pool makes, and this server makes none.
import { fixed, type Table } from '../report.js';
import type { StepResult } from './step.js';
import { buildLineChartSvg } from './svg-plot.js';
import {
  COLORS,
  KB,
  sameCallSteps,
  stepHeadCells,
  stepVerdict,
  wsOverUws,
  type TransportRun,
} from './tables.js';

/** Every step of every transport-only run, one row each. */
export function transportStepsTable(runs: readonly TransportRun[]): Table {
  return {
    title: 'Transport only (no DSP): transport + Twilio parsing + session under N calls',
    columns: [
      'transport',
      'calls',
      'up / failed',
      'frames in /s',
      'CPU ms/s per call',
      'main thread ms/s per call',
      'CPU µs per frame',
      'server CPU %',
      'event loop %',
      'loop p99 ms',
      'RSS KB per call',
      'received %',
      'gen lag p99 ms',
      'gen CPU %',
      'load avg',
      'verdict',
    ],
    rows: runs.flatMap((run) => run.steps.map((step) => stepRow(run.transport, step))),
  };
}

function stepRow(transport: string, step: StepResult): string[] {
  return [
    ...stepHeadCells(transport, step),
    fixed(step.framesInPerSecond, 0),
    fixed(step.cpuMsPerSecondPerCall, 3),
    fixed(step.mainThreadCpuMsPerSecondPerCall, 3),
    fixed(step.cpuUsPerFrame, 1),
    fixed(step.serverCpuMsPerSecond / 10, 0),
    fixed(step.mainThreadCpuMsPerSecond / 10, 0),
    fixed(step.loopDelayP99Ms, 1),
    fixed(step.rssPerCallBytes / KB, 0),
    fixed(step.receivedPercent, 1),
    fixed(step.send.lagP99Ms, 0),
    fixed(step.generatorCpuMsPerSecond / 10, 0),
    fixed(step.loadAverage, 1),
    stepVerdict(step),
  ];
}

/** ws ÷ uws at each call count both transport-only runs reached (above 1: uws ahead). */
export function transportRatioTable(runs: readonly TransportRun[]): Table | undefined {
  const pairs = sameCallSteps(runs);
  if (pairs === undefined) return undefined;

  const rows = pairs.map((pair) => [
    String(pair[0].calls),
    wsOverUws(pair, (step) => step.cpuMsPerSecondPerCall),
    wsOverUws(pair, (step) => step.mainThreadCpuMsPerSecondPerCall),
    wsOverUws(pair, (step) => step.cpuUsPerFrame),
    wsOverUws(pair, (step) => step.loopDelayP99Ms),
    wsOverUws(pair, (step) => step.rssPerCallBytes),
    pair[0].generatorBehind || pair[1].generatorBehind ? 'yes' : 'no',
  ]);

  return {
    title: 'Transport only: ws ÷ uws at equal calls (above 1: uWebSockets.js ahead)',
    columns: [
      'calls',
      'CPU per call',
      'main-thread CPU per call',
      'CPU per frame',
      'loop delay p99',
      'RSS per call',
      'generator behind',
    ],
    rows,
  };
}

/** The plot: CPU per call (whole process, and main thread dashed) against calls. */
export function transportCpuPlot(runs: readonly TransportRun[]): string {
  return buildLineChartSvg({
    title: 'Transport only (no DSP): server CPU per call (dashed: main thread)',
    xLabel: 'concurrent calls',
    yLabel: 'CPU per call (ms per second)',
    series: runs.flatMap((run) => {
      const color = COLORS[run.transport] ?? '#2ca02c';

      return [
        {
          name: `${run.transport} process`,
          color,
          points: run.steps.map((step) => ({ x: step.calls, y: step.cpuMsPerSecondPerCall })),
        },
        {
          name: `${run.transport} main`,
          color,
          dashed: true,
          points: run.steps.map((step) => ({
            x: step.calls,
            y: step.mainThreadCpuMsPerSecondPerCall,
          })),
        },
      ];
    }),
  });
}
