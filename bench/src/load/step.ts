// One step of the load run: N calls against a running media core, measured over a window
// that starts once every call is up and streaming, and the verdict on whether it held.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import { LATE_FRAME_MS, MEDIA_PATH } from '@voice-agent/media-core';

import { GeneratorProcess } from './generator-process.js';
import type { SendStats } from './generator-protocol.js';
import { cpuMsPerSecond, readProc, type ProcReading } from './proc-stats.js';
import {
  bucketDelta,
  bucketQuantile,
  bucketsOf,
  countAbove,
  sumOf,
  type Scrape,
} from './prometheus.js';
import type { MediaCoreProcess } from './server-process.js';

/** Where a step breaks: p99 frame latency above this, ms. */
export const MAX_P99_MS = 50;
/** Where a step breaks: late plus dropped frames above this share of frames, %. */
export const MAX_BAD_FRAMES_PERCENT = 1;
/** Where a step breaks: the server took fewer than this share of the frames sent, %. */
export const MIN_RECEIVED_PERCENT = 99;
/** Where a step breaks: failed or early-closed calls above this share, %. */
export const MAX_FAILED_CALLS_PERCENT = 1;
/**
 * The generator is behind past this send-lag p99, ms: frames then reach the server in bursts.
 * Flagged, not a break: the server's figures still describe what it received, and on a shared
 * machine the generator is the first process to be starved.
 */
export const MAX_SEND_LAG_P99_MS = 20;

const LATENCY = 'media_frame_latency_seconds';
const FRAMES = 'media_frames_total';
const DSP_BATCH = 'media_dsp_batch_seconds';

/** Dialling time per call, ms, and its cap: spreads handshakes and frame phases. */
const RAMP_MS_PER_CALL = 5;
const MAX_RAMP_MS = 3000;
/** Streaming before the window opens, once all calls are up, ms. */
const WARMUP_MS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Time for the calls to end on the server after `stop`, ms. */
const SUMMARY_TIMEOUT_MS = 10_000;

/** The server under test, as a step sees it. */
export interface StepTarget {
  /** The running media core. */
  server: MediaCoreProcess;
  /** Its port on 127.0.0.1. */
  port: number;
  /** Its RSS with no call, bytes. */
  idleRssBytes: number;
  /** Its CPU with no call, ms per second. */
  idleCpuMsPerSecond: number;
}

/** What one step measured. */
export interface StepResult {
  /** Concurrent calls asked for. */
  calls: number;
  /** Calls whose stream opened. */
  connected: number;
  /** Calls whose upgrade failed. */
  failed: number;
  /** Up to five failure reasons. */
  failures: string[];
  /** Streaming calls the server closed before `stop`. */
  closedEarly: number;
  /** Up to five close codes and reasons of those calls. */
  earlyCloses: string[];
  /** Frame latency p50 over the window, ms (bucket-interpolated). */
  latencyP50Ms: number;
  /** Frame latency p99 over the window, ms (bucket-interpolated). */
  latencyP99Ms: number;
  /** True when p99 lay past the last finite bucket (then latencyP99Ms is that bound). */
  latencyOverflow: boolean;
  /** Bounds of the bucket p99 lies in, ms: the true p99 is between them. */
  latencyP99BucketMs: [number, number];
  /** DSP batch round trip p99 over the window, ms (media_dsp_batch_seconds, interpolated). */
  dspBatchP99Ms: number;
  /** Frames whose latency was observed in the window. */
  latencyFrames: number;
  /** Frames over LATE_FRAME_MS in the window (a histogram bound, so exact). */
  lateFrames: number;
  /** Late frames the calls' end-of-call summaries report (whole calls, ramp included). */
  lateFramesWholeCalls: number;
  /** Frames sent that never reached DSP: lost before the server counted them, or dropped by DSP. */
  droppedFrames: number;
  /** (late + dropped) as a share of frames, %. */
  badFramesPercent: number;
  /** Frames the server received in the window as a share of frames the generator sent, %. */
  receivedPercent: number;
  /** Event-loop delay p99 over the window as the server reports it, ms. */
  loopDelayP99Ms: number;
  /** Server CPU over the window, ms per second (1000 = one core). */
  serverCpuMsPerSecond: number;
  /** CPU of the server's main thread (event loop: transport, parsing, sessions), ms per second. */
  mainThreadCpuMsPerSecond: number;
  /** Server CPU per call, ms per second. */
  cpuMsPerSecondPerCall: number;
  /** Main-thread CPU per call, ms per second: the event loop's share of one call. */
  mainThreadCpuMsPerSecondPerCall: number;
  /** Media frames the server received per second over the window. */
  framesInPerSecond: number;
  /** Server CPU per frame received, µs: the cost that does not depend on the generator's pace. */
  cpuUsPerFrame: number;
  /** Server CPU above its idle CPU, per call, ms per second: what one more call costs. */
  cpuMsPerSecondPerCallAboveIdle: number;
  /** Generator CPU over the window, ms per second. */
  generatorCpuMsPerSecond: number;
  /** Server RSS at the end of the window, bytes. */
  rssBytes: number;
  /** (RSS − idle RSS) per call, bytes. */
  rssPerCallBytes: number;
  /** Protocol errors the server counted (0 when the generator speaks Twilio correctly). */
  protocolErrors: number;
  /** The generator's send timing over the window. */
  send: SendStats;
  /** The machine's 1-minute load average at the end of the window (2 cores: above 2 is busy). */
  loadAverage: number;
  /** True when the generator's send lag p99 passed MAX_SEND_LAG_P99_MS (load not real time). */
  generatorBehind: boolean;
  /** Why the step counts as broken; empty when it held. */
  brokenBecause: string[];
  /** Set when the step was run twice: why the first try broke. */
  firstTryBrokenBecause?: string[];
}

/** Both processes at one instant. */
interface Snapshot {
  scrape: Scrape;
  server: ProcReading;
  generator: ProcReading;
  loadAverage: number;
}

/** Runs one step of `calls` calls with a `stepMs` window against `target`. */
export async function runStep(
  target: StepTarget,
  calls: number,
  stepMs: number,
  fixturePath: string,
): Promise<StepResult> {
  const { server, port } = target;
  server.takeSummaries();
  const before = await server.scrape(port);

  const rampMs = Math.min(MAX_RAMP_MS, RAMP_MS_PER_CALL * (calls - 1));
  const generator = new GeneratorProcess({
    url: `ws://127.0.0.1:${port}${MEDIA_PATH}`,
    calls,
    fixturePath,
    rampMs,
    warmupMs: WARMUP_MS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  });

  try {
    const ready = await generator.next('ready', rampMs + WARMUP_MS + CONNECT_TIMEOUT_MS + 10_000);

    // The window: its first scrape also resets the server's event-loop delay sampler.
    const start = await snapshot(server, port, generator);
    generator.measure();
    await sleep(stepMs);
    const end = await snapshot(server, port, generator);
    generator.stop();
    const done = await generator.next('done', 30_000);

    await server.waitForSummaries(ready.connected, SUMMARY_TIMEOUT_MS);
    const after = await server.scrape(port);
    const summaries = server.takeSummaries();

    const late = summaries.reduce((sum, summary) => sum + summary.lateFrames, 0);

    return measure({ target, calls, before, start, end, after, ready, done, lateWholeCalls: late });
  } finally {
    await generator.kill();
  }
}

async function snapshot(
  server: MediaCoreProcess,
  port: number,
  generator: GeneratorProcess,
): Promise<Snapshot> {
  const scrape = await server.scrape(port);

  return {
    scrape,
    server: readProc(server.pid),
    generator: readProc(generator.pid),
    loadAverage: loadavg()[0] ?? NaN,
  };
}

interface StepReadings {
  target: StepTarget;
  calls: number;
  before: Scrape;
  start: Snapshot;
  end: Snapshot;
  after: Scrape;
  ready: { connected: number; failed: number; failures: string[] };
  done: { window: SendStats; totalFramesSent: number; closedEarly: number; earlyCloses: string[] };
  lateWholeCalls: number;
}

/** Turns the readings of a step into its figures and verdict. */
function measure(readings: StepReadings): StepResult {
  const { target, calls, before, start, end, after, ready, done } = readings;
  const latency = bucketDelta(bucketsOf(start.scrape, LATENCY), bucketsOf(end.scrape, LATENCY));
  const p50 = bucketQuantile(latency, 0.5);
  const p99 = bucketQuantile(latency, 0.99);
  const latencyFrames = latency.at(-1)?.count ?? 0;
  const batch = bucketDelta(bucketsOf(start.scrape, DSP_BATCH), bucketsOf(end.scrape, DSP_BATCH));
  const lateFrames = countAbove(latency, LATE_FRAME_MS / 1000);

  const framesIn = (scrape: Scrape) => sumOf(scrape, FRAMES, { direction: 'in' });
  const dspDropped = (scrape: Scrape) => sumOf(scrape, 'media_dsp_frames_dropped_total');
  const lost = Math.max(0, done.totalFramesSent - (framesIn(after) - framesIn(before)));
  const droppedFrames = lost + dspDropped(after) - dspDropped(before);
  const windowReceived = framesIn(end.scrape) - framesIn(start.scrape);

  const serverCpu = cpuMsPerSecond(start.server, end.server);
  const mainThreadCpu = cpuMsPerSecond(start.server, end.server, 'main');
  const windowSeconds = (end.server.atMs - start.server.atMs) / 1000;
  const framesInPerSecond = windowReceived / windowSeconds;
  const connected = Math.max(1, ready.connected);
  const result: StepResult = {
    calls,
    connected: ready.connected,
    failed: ready.failed,
    failures: ready.failures,
    closedEarly: done.closedEarly,
    earlyCloses: done.earlyCloses,
    latencyP50Ms: p50.value * 1000,
    latencyP99Ms: p99.value * 1000,
    latencyOverflow: p99.overflow,
    latencyP99BucketMs: [p99.lowerBound * 1000, p99.upperBound * 1000],
    dspBatchP99Ms: bucketQuantile(batch, 0.99).value * 1000,
    latencyFrames,
    lateFrames,
    lateFramesWholeCalls: readings.lateWholeCalls,
    droppedFrames,
    // Without DSP no latency is observed: then the frames received are the base.
    badFramesPercent:
      (100 * (lateFrames + droppedFrames)) /
      Math.max(1, Math.max(latencyFrames, windowReceived) + droppedFrames),
    receivedPercent: (100 * windowReceived) / Math.max(1, done.window.framesSent),
    loopDelayP99Ms:
      1000 * sumOf(end.scrape, 'media_event_loop_delay_seconds', { quantile: '0.99' }),
    serverCpuMsPerSecond: serverCpu,
    mainThreadCpuMsPerSecond: mainThreadCpu,
    cpuMsPerSecondPerCall: serverCpu / connected,
    mainThreadCpuMsPerSecondPerCall: mainThreadCpu / connected,
    framesInPerSecond,
    cpuUsPerFrame: (1000 * serverCpu) / Math.max(1, framesInPerSecond),
    cpuMsPerSecondPerCallAboveIdle: (serverCpu - target.idleCpuMsPerSecond) / connected,
    generatorCpuMsPerSecond: cpuMsPerSecond(start.generator, end.generator),
    rssBytes: end.server.rssBytes,
    rssPerCallBytes: (end.server.rssBytes - target.idleRssBytes) / connected,
    protocolErrors:
      sumOf(after, 'media_protocol_errors_total') - sumOf(before, 'media_protocol_errors_total'),
    send: done.window,
    loadAverage: end.loadAverage,
    generatorBehind: done.window.lagP99Ms > MAX_SEND_LAG_P99_MS,
    brokenBecause: [],
  };
  result.brokenBecause = verdict(result);

  return result;
}

/** Why a step counts as broken, in words; empty when it held. */
export function verdict(step: StepResult): string[] {
  const reasons: string[] = [];
  if (step.latencyOverflow || step.latencyP99Ms > MAX_P99_MS) {
    reasons.push(`p99 latency over ${MAX_P99_MS} ms`);
  }
  if (step.badFramesPercent > MAX_BAD_FRAMES_PERCENT) {
    reasons.push(`late or dropped frames over ${MAX_BAD_FRAMES_PERCENT}%`);
  }
  if (step.receivedPercent < MIN_RECEIVED_PERCENT) {
    reasons.push(`server took under ${MIN_RECEIVED_PERCENT}% of frames sent`);
  }
  if ((100 * (step.failed + step.closedEarly)) / step.calls > MAX_FAILED_CALLS_PERCENT) {
    reasons.push(`failed or dropped calls over ${MAX_FAILED_CALLS_PERCENT}%`);
  }

  return reasons;
}
