// The load run as printed: one row per transport and step, a uws-vs-ws comparison, and the
// plot of p99 latency against calls.
import { fixed, type Table } from '../report.js';
import type { Pipeline } from './options.js';
import { MAX_P99_MS, type StepResult } from './step.js';
import { buildLineChartSvg } from './svg-plot.js';

/** One transport's run on one pipeline. */
export interface TransportRun {
  /** What the server ran: the full pipeline, or transport-only (no DSP). */
  pipeline: Pipeline;
  /** Transport asked for. */
  transport: string;
  /** Transport the server reported running (differs when uWebSockets.js did not load). */
  transportInUse: string | undefined;
  /** Server RSS with no call, bytes. */
  idleRssBytes: number;
  /** Event-loop delay p99 with no call, ms (the sampler's own period is in it). */
  idleLoopDelayP99Ms: number;
  /** Server CPU with no call, ms per second. */
  idleCpuMsPerSecond: number;
  /** Steps run, in order; the last is the broken one when the run broke. */
  steps: StepResult[];
  /** Error that ended the run early, if any. */
  error?: string;
}

/** Bytes in a KB. */
export const KB = 1024;

/**
 * RSS per call is printed from this many calls up: a Node process's RSS moves by ±15 MB as V8
 * grows and shrinks its heap, which outweighs a few calls (the JSON keeps every figure).
 */
const MIN_CALLS_FOR_RSS = 10;
const MB = 1024 * 1024;

/** Every step of every transport, one row each. */
export function stepsTable(runs: readonly TransportRun[]): Table {
  return {
    title: 'Media core under N concurrent real-time calls',
    columns: [
      'transport',
      'calls',
      'up / failed',
      'p50 ms',
      'p99 ms (bucket)',
      'DSP batch p99 ms',
      'loop p99 ms',
      'CPU ms/s per call',
      'above idle',
      'server CPU %',
      'event loop %',
      'RSS KB per call',
      'late+dropped %',
      'received %',
      'gen lag p99 ms',
      'load avg',
      'verdict',
    ],
    rows: runs.flatMap((run) => run.steps.map((step) => stepRow(run.transport, step))),
  };
}

function stepRow(transport: string, step: StepResult): string[] {
  return [
    ...stepHeadCells(transport, step),
    fixed(step.latencyP50Ms, 1),
    p99Cell(step),
    fixed(step.dspBatchP99Ms, 1),
    fixed(step.loopDelayP99Ms, 1),
    fixed(step.cpuMsPerSecondPerCall, 2),
    fixed(step.cpuMsPerSecondPerCallAboveIdle, 2),
    fixed(step.serverCpuMsPerSecond / 10, 0),
    fixed(step.mainThreadCpuMsPerSecond / 10, 0),
    step.calls >= MIN_CALLS_FOR_RSS ? fixed(step.rssPerCallBytes / KB, 0) : 'n/a',
    fixed(step.badFramesPercent, 2),
    fixed(step.receivedPercent, 1),
    fixed(step.send.lagP99Ms, 0),
    fixed(step.loadAverage, 1),
    stepVerdict(step),
  ];
}

/** The cells every step row starts with: transport, calls, and connected / failed. */
export function stepHeadCells(transport: string, step: StepResult): string[] {
  return [transport, String(step.calls), `${step.connected} / ${step.failed + step.closedEarly}`];
}

/** "held" or "broke: why", with the retry and generator-behind marks. */
export function stepVerdict(step: StepResult): string {
  const retried = step.firstTryBrokenBecause === undefined ? '' : ' (2nd try)';
  const behind = step.generatorBehind ? ' [generator behind]' : '';

  return step.brokenBecause.length === 0
    ? `held${retried}${behind}`
    : `broke${retried}: ${step.brokenBecause.join('; ')}${behind}`;
}

/** The interpolated p99 and the bucket it lies in: "35.0 (20–40)", or ">500" past the last. */
function p99Cell(step: StepResult): string {
  if (step.latencyOverflow) return `>${fixed(step.latencyP99Ms, 0)}`;

  const [lower, upper] = step.latencyP99BucketMs;

  return `${fixed(step.latencyP99Ms, 1)} (${lower}–${upper})`;
}

/** A uws step and the ws step at the same call count. */
export type StepPair = readonly [uws: StepResult, ws: StepResult];

/** Each uws step with the ws step at the same call count; undefined unless both transports ran. */
export function sameCallSteps(runs: readonly TransportRun[]): StepPair[] | undefined {
  const uws = runs.find((run) => run.transport === 'uws');
  const ws = runs.find((run) => run.transport === 'ws');
  if (uws === undefined || ws === undefined) return undefined;

  return uws.steps.flatMap((mine) => {
    const theirs = ws.steps.find((step) => step.calls === mine.calls);

    return theirs === undefined ? [] : [[mine, theirs] as const];
  });
}

/** ws ÷ uws of one figure of a pair, two decimals (above 1: uws ahead). */
export function wsOverUws([uws, ws]: StepPair, pick: (step: StepResult) => number): string {
  return fixed(pick(ws) / pick(uws), 2);
}

/** ws figures over uws figures at each step both ran (above 1: uws ahead). */
export function comparisonTable(runs: readonly TransportRun[]): Table | undefined {
  const pairs = sameCallSteps(runs);
  if (pairs === undefined) return undefined;

  const rows = pairs.map((pair) => [
    String(pair[0].calls),
    wsOverUws(pair, (step) => step.latencyP99Ms),
    wsOverUws(pair, (step) => step.cpuMsPerSecondPerCallAboveIdle),
    wsOverUws(pair, (step) => step.mainThreadCpuMsPerSecond),
    wsOverUws(pair, (step) => step.loopDelayP99Ms),
  ]);

  return {
    title: 'ws ÷ uws at equal load (above 1: uWebSockets.js ahead)',
    columns: [
      'calls',
      'p99 latency',
      'CPU per call above idle',
      'event-loop CPU',
      'loop delay p99',
    ],
    rows,
  };
}

/** Per pipeline and transport: idle figures and the most calls that held. */
export function capacityTable(runs: readonly TransportRun[]): Table {
  return {
    title: 'Capacity by pipeline and transport',
    columns: [
      'pipeline',
      'transport',
      'in use',
      'idle RSS MB',
      'idle CPU ms/s',
      'idle loop p99 ms',
      'most calls held',
      'ended by',
    ],
    rows: runs.map((run) => {
      const held = run.steps.filter((step) => step.brokenBecause.length === 0);
      const broken = run.steps.find((step) => step.brokenBecause.length > 0);

      return [
        run.pipeline === 'full' ? 'full (DSP)' : 'transport only',
        run.transport,
        run.transportInUse ?? '?',
        fixed(run.idleRssBytes / MB, 0),
        fixed(run.idleCpuMsPerSecond, 1),
        fixed(run.idleLoopDelayP99Ms, 1),
        String(held.at(-1)?.calls ?? 0),
        run.error ??
          (broken === undefined
            ? 'last step held'
            : `${broken.calls} calls: ${broken.brokenBecause.join('; ')}`),
      ];
    }),
  };
}

/** Line colour per transport. */
export const COLORS: Record<string, string> = { uws: '#1f77b4', ws: '#d62728' };

/** The plot: p99 frame latency (ms) against concurrent calls, one line per transport. */
export function latencyPlot(runs: readonly TransportRun[], goalP99Ms: number): string {
  return buildLineChartSvg({
    title: 'Media core: p99 frame latency against concurrent calls',
    xLabel: 'concurrent calls',
    yLabel: 'p99 frame latency (ms)',
    series: runs.map((run) => ({
      name: run.transport,
      color: COLORS[run.transport] ?? '#2ca02c',
      points: run.steps.map((step) => ({ x: step.calls, y: step.latencyP99Ms })),
    })),
    guides: [
      { y: MAX_P99_MS, label: `break: ${MAX_P99_MS} ms` },
      { y: goalP99Ms, label: `goal: ${goalP99Ms} ms` },
    ],
  });
}
