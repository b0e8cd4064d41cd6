// `npm run bench -- load [--quick]`: the media core under N concurrent real-time Twilio calls, for
// each transport in the same run, on two pipelines: the full one (with the DSP pool) and
// transport-only (the same server without DSP), where the transports' own cost shows. The server is
// the real bin in a child process; the calls come from a load generator in a process of its own;
// figures come from the server's /metrics, its end-of-call summaries and /proc.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { TransportName } from '@voice-agent/media-core';

import { RESULTS_DIR, type BenchResult } from '../report.js';
import { loadOptions, type LoadOptions, type Pipeline } from './options.js';
import { cpuMsPerSecond, readProc } from './proc-stats.js';
import { sumOf } from './prometheus.js';
import { MediaCoreProcess } from './server-process.js';
import {
  MAX_BAD_FRAMES_PERCENT,
  MAX_P99_MS,
  MAX_SEND_LAG_P99_MS,
  MIN_RECEIVED_PERCENT,
  runStep,
  type StepResult,
  type StepTarget,
} from './step.js';
import {
  capacityTable,
  comparisonTable,
  latencyPlot,
  stepsTable,
  type TransportRun,
} from './tables.js';
import { transportCpuPlot, transportRatioTable, transportStepsTable } from './transport-tables.js';

/** The goal the issue sets: p99 frame latency under this, ms. */
const GOAL_P99_MS = 5;

/** Settling time after the server starts and between steps, ms. */
const SETTLE_MS = 1000;

/** Length of the warm-up call, ms. */
const WARMUP_MS = 2000;

/** Idle measurement window, ms: /proc CPU times tick at 10 ms, so a short window reads 0. */
const IDLE_MS = 3000;

/** Runs the load benchmark. */
export async function runLoadBench(): Promise<BenchResult> {
  const options = loadOptions();
  const runs: TransportRun[] = [];
  for (const pipeline of options.pipelines) {
    for (const transport of options.transports) {
      runs.push(await runTransport(pipeline, transport, options));
    }
  }
  const full = runs.filter((run) => run.pipeline === 'full');
  const transportOnly = runs.filter((run) => run.pipeline === 'transport');

  mkdirSync(RESULTS_DIR, { recursive: true });
  const plotPaths: string[] = [];
  if (full.length > 0) {
    plotPaths.push(`${RESULTS_DIR}load.svg`);
    writeFileSync(`${RESULTS_DIR}load.svg`, latencyPlot(full, GOAL_P99_MS));
  }
  if (transportOnly.length > 0) {
    plotPaths.push(`${RESULTS_DIR}load-transport.svg`);
    writeFileSync(`${RESULTS_DIR}load-transport.svg`, transportCpuPlot(transportOnly));
  }

  const tables = [
    ...(full.length > 0 ? [stepsTable(full)] : []),
    comparisonTable(full),
    ...(transportOnly.length > 0 ? [transportStepsTable(transportOnly)] : []),
    transportRatioTable(transportOnly),
    capacityTable(runs),
  ];

  return {
    tables: tables.filter((table) => table !== undefined),
    notes: notes(options, runs, plotPaths),
    data: { options, thresholds: thresholds(), runs },
  };
}

/** One transport and pipeline on a fresh server: idle figures, then steps until one breaks. */
async function runTransport(
  pipeline: Pipeline,
  transport: TransportName,
  options: LoadOptions,
): Promise<TransportRun> {
  const { server, port } = await MediaCoreProcess.start(transport, pipeline);
  const steps = pipeline === 'full' ? options.steps : options.transportSteps;
  const stepMs = pipeline === 'full' ? options.stepMs : options.transportStepMs;
  const run: TransportRun = {
    pipeline,
    transport,
    transportInUse: server.transportInUse,
    idleRssBytes: 0,
    idleLoopDelayP99Ms: NaN,
    idleCpuMsPerSecond: NaN,
    steps: [],
  };

  try {
    // A short call first, so JIT, wasm and first-call allocations are not charged to the steps
    // and the idle figures describe a warmed-up server.
    await runStep(
      { server, port, idleRssBytes: 0, idleCpuMsPerSecond: 0 },
      1,
      WARMUP_MS,
      options.fixturePath,
    );
    const idle = await measureIdle(server, port);
    run.idleRssBytes = idle.rssBytes;
    run.idleCpuMsPerSecond = idle.cpuMsPerSecond;
    run.idleLoopDelayP99Ms = idle.loopDelayP99Ms;

    const target: StepTarget = {
      server,
      port,
      idleRssBytes: idle.rssBytes,
      idleCpuMsPerSecond: idle.cpuMsPerSecond,
    };
    for (const calls of steps) {
      const step = await confirmedStep(target, calls, stepMs, options.fixturePath);
      run.steps.push(step);
      console.error(
        `load: ${pipeline} ${transport} ${calls} calls: ` +
          (pipeline === 'full' ? `p99 ${step.latencyP99Ms.toFixed(1)} ms, ` : '') +
          `${step.cpuMsPerSecondPerCall.toFixed(3)} CPU ms/s per call, ` +
          `gen lag p99 ${step.send.lagP99Ms} ms`,
      );
      if (step.brokenBecause.length > 0) break;

      await sleep(SETTLE_MS);
    }
  } catch (error) {
    run.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
    console.error(`load: ${pipeline} ${transport} run failed: ${run.error}`);
  } finally {
    await server.stop();
  }

  if (server.errorLines.length > 0) {
    run.error ??= `server logged errors: ${server.errorLines.slice(0, 3).join('; ')}`;
  }

  return run;
}

/**
 * Runs a step; a step that breaks runs once more and counts as broken only if it breaks again,
 * since on a shared machine one stall of another process can spoil a short window.
 */
async function confirmedStep(
  target: StepTarget,
  calls: number,
  stepMs: number,
  fixturePath: string,
): Promise<StepResult> {
  const first = await runStep(target, calls, stepMs, fixturePath);
  if (first.brokenBecause.length === 0) return first;

  await sleep(SETTLE_MS);
  const second = await runStep(target, calls, stepMs, fixturePath);

  return { ...second, firstTryBrokenBecause: first.brokenBecause };
}

/** The server with no call: RSS, CPU and loop delay over IDLE_MS. */
async function measureIdle(
  server: MediaCoreProcess,
  port: number,
): Promise<{ rssBytes: number; cpuMsPerSecond: number; loopDelayP99Ms: number }> {
  await sleep(SETTLE_MS);

  // The first scrape resets the loop-delay sampler, so the second covers the idle window.
  await server.scrape(port);
  const before = readProc(server.pid);
  await sleep(IDLE_MS);
  const scrape = await server.scrape(port);
  const after = readProc(server.pid);

  return {
    rssBytes: after.rssBytes,
    cpuMsPerSecond: cpuMsPerSecond(before, after),
    loopDelayP99Ms: 1000 * sumOf(scrape, 'media_event_loop_delay_seconds', { quantile: '0.99' }),
  };
}

function thresholds(): Record<string, number> {
  return {
    maxP99Ms: MAX_P99_MS,
    maxBadFramesPercent: MAX_BAD_FRAMES_PERCENT,
    minReceivedPercent: MIN_RECEIVED_PERCENT,
    maxSendLagP99Ms: MAX_SEND_LAG_P99_MS,
    goalP99Ms: GOAL_P99_MS,
  };
}

function notes(
  options: LoadOptions,
  runs: readonly TransportRun[],
  plotPaths: readonly string[],
): string[] {
  const fallback = runs.filter((run) => run.transportInUse !== run.transport);

  return [
    `Full pipeline: steps ${options.steps.join(', ')} calls, ${options.stepMs / 1000} s ` +
      `measured per step; transport only: steps ${options.transportSteps.join(', ')} calls, ` +
      `${options.transportStepMs / 1000} s per step (each after dialling and 1 s of ` +
      `streaming)${options.quick ? ', quick run' : ''}; fixture ` +
      `${options.fixturePath.split('/').slice(-2).join('/')}, each call from its own place in it.`,
    'Transport only: the same server started with dsp: null (transport, Twilio parsing, ' +
      'sessions, playback idle, /metrics), so the DSP workers’ CPU does not bury the ' +
      'transports’; it has no frame latency (media_frame_latency_seconds ends at the 16 kHz ' +
      'PCM the DSP makes), so it is judged on frames received, failed calls and CPU. CPU µs per ' +
      'frame = server CPU ÷ frames received: it stays comparable when the generator falls behind.',
    'Server: the media core’s media server (startMediaServer, configured by the bin’s ' +
      'environment, no conversation per call) as a child process on 127.0.0.1, default ' +
      'DSP_THREADS, connection limits raised; load: a lean Twilio caller (connected, start, ' +
      '20 ms media, stop) in its own process, one scheduler for all calls.',
    'Latency: media_frame_latency_seconds (frame received → 16 kHz PCM ready), bucket ' +
      'deltas over the window, interpolated inside buckets; it includes the wait for the ' +
      'DSP pool’s 20 ms tick.',
    'Late: frames over 40 ms (LATE_FRAME_MS, a bucket bound, so counted exactly); dropped: ' +
      'frames sent that the server never counted plus frames the DSP pool dropped.',
    'Loop p99: media_event_loop_delay_seconds, which includes the sampler’s own period: the idle ' +
      'figure in the capacity table is the floor.',
    `A step breaks at p99 > ${MAX_P99_MS} ms, late+dropped > ${MAX_BAD_FRAMES_PERCENT}%, server ` +
      `taking < ${MIN_RECEIVED_PERCENT}% of frames in the window, or > 1% failed calls. ` +
      `[generator behind]: its send lag p99 passed ${MAX_SEND_LAG_P99_MS} ms, so frames came in ` +
      'bursts (the machine, not the server, was short of CPU).',
    'CPU and RSS: /proc of the server process (all threads; event loop % is the main thread ' +
      'alone, where the transport runs), after a 2 s warm-up call; RSS per ' +
      'call is (RSS − idle RSS) ÷ calls, shown from 10 calls up (V8 resizes its heap by ±15 MB).',
    'A step that breaks is run once more and counts as broken only if it breaks again; ' +
      'firstTryBrokenBecause in the JSON marks the retried ones.',
    'The generator shares the cores with the server: gen lag shows when it fell behind. ' +
      'Load avg: the machine’s 1-minute load average at the end of the window; above the core ' +
      'count, other processes were competing and the step’s figures are pessimistic.',
    generatorLimitNote(runs),
    ...fallback.map(
      (run) => `${run.transport}: the server ran ${run.transportInUse ?? '?'} instead.`,
    ),
    `Plots: ${plotPaths.join(', ')}`,
  ];
}

/** Where the generator, not the server, set the pace: the steps it fell behind in. */
function generatorLimitNote(runs: readonly TransportRun[]): string {
  const behind = runs.flatMap((run) =>
    run.steps
      .filter((step) => step.generatorBehind)
      .map((step) => `${run.pipeline} ${run.transport} ${step.calls}`),
  );
  if (behind.length === 0) return 'The generator kept the real-time pace at every step.';

  return (
    `Generator behind (send lag p99 > ${MAX_SEND_LAG_P99_MS} ms) at: ${behind.join(', ')} ` +
    'calls. There the generator, one process on a shared core, is the limit, not the server: ' +
    'frames come in catch-up bursts (received % can pass 100), so compare CPU per frame there, ' +
    'and read loop delay as the bursts’ doing.'
  );
}
