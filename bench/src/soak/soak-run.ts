// One soak run against a started agent: idle memory, K slots of real-time calls for the run's
// duration with the agent sampled every few seconds, a full-GC heap reading at the end of the
// warm-up and at the end of the run (calls open both times), then idle memory once every call
// has closed.
import { setTimeout as sleep } from 'node:timers/promises';

import type { ConversationScript, FixtureManifest } from '@voice-agent/emulators';

import { sumOf } from '../load/prometheus.js';
import type { AgentProcess } from './agent-process.js';
import type { CallRecord } from './call-runner.js';
import { runSlots } from './call-slots.js';
import type { ControlPeer } from './control-peer.js';
import type { SoakOptions } from './options.js';
import { sample, type HeapSource } from './sampler.js';
import type { SoakSample } from './slope.js';
import { WarmupGate } from './warmup-gate.js';

/** Memory of the agent at one moment, bytes. */
export interface MemoryPoint {
  /** When, ms since the run started (0 for the reading before it). */
  atMs: number;
  /** Resident set size. */
  rssBytes: number;
  /** V8 heap in use right after a full garbage collection. */
  heapAfterGcBytes: number;
  /** Calls completed by then. */
  callsCompleted: number;
}

/** Everything a soak run measured. */
export interface SoakRun {
  /** Every call, in the order they ended. */
  calls: CallRecord[];
  /** Samples taken from the first call to the end of the run. */
  samples: SoakSample[];
  /** Where the sampled heap came from. */
  heapSource: HeapSource | undefined;
  /** Before the first call. */
  idleBefore: MemoryPoint;
  /** When the warm-up ended, ms since the run started (NaN if the run broke before). */
  warmupEndMs: number;
  /** The warm-up ended at its latest time, before every slot had ended a call. */
  warmupForced: boolean;
  /** At the end of the warm-up (calls open); undefined if the run broke before. */
  atWarmupEnd: MemoryPoint | undefined;
  /** At the end of the run, before open calls are hung up. */
  atRunEnd: MemoryPoint | undefined;
  /** After every call has closed. */
  idleAfter: MemoryPoint | undefined;
  /** Time from the first dial to the last call's end, ms. */
  wallMs: number;
  /** Why the run stopped early, or readings failed. */
  problems: string[];
}

/** How long open calls may take to close on the agent's side after the run, ms. */
const CLOSE_WAIT_MS = 10_000;

/** Pause before the idle reading after the calls, ms: the outbox's last posts and timers. */
const IDLE_SETTLE_MS = 2000;

/** What a run needs. */
export interface SoakTarget {
  /** The agent under test. */
  agent: AgentProcess;
  /** The control peer the agent reports to. */
  control: ControlPeer;
  /** Scripts the calls play. */
  scripts: readonly ConversationScript[];
  /** Their fixtures. */
  manifest: FixtureManifest;
}

/** Runs the soak; every timer and call is over when it resolves. */
export async function runSoak(target: SoakTarget, options: SoakOptions): Promise<SoakRun> {
  const { agent } = target;
  const problems: string[] = [];
  const idleBefore = await memoryPoint(agent, 0, 0);
  const calls: CallRecord[] = [];
  const completed = () => calls.filter((call) => call.result === 'completed').length;

  const runStartMs = performance.now();
  const run = new AbortController();
  // Sampling stops before the end reading: its forced full collection moves RSS.
  const sampling = new AbortController();
  let atWarmupEnd: MemoryPoint | undefined;
  let atRunEnd: MemoryPoint | undefined;
  let warmupEndMs = NaN;
  const warmup = new WarmupGate(options.concurrentCalls, () => {
    warmupEndMs = performance.now() - runStartMs;
    void memoryPoint(agent, warmupEndMs, completed()).then(
      (point) => (atWarmupEnd = point),
      (error: unknown) => problems.push(`warm-up reading: ${messageOf(error)}`),
    );
  });
  const warmupTimers = [
    setTimeout(() => warmup.minimumReached(), options.warmupMs),
    // Why two thirds at most: a third of the run is left to measure, however long the calls.
    setTimeout(() => warmup.force(), Math.max(options.warmupMs, (options.durationMs * 2) / 3)),
  ];
  // Why read before hanging up: the end reading must see the same K open calls as the warm-up
  // one, so the difference is what completed calls left behind.
  const endTimer = setTimeout(() => {
    sampling.abort();
    void memoryPoint(agent, options.durationMs, completed())
      .then(
        (point) => (atRunEnd = point),
        (error: unknown) => void problems.push(`end reading: ${messageOf(error)}`),
      )
      .finally(() => run.abort());
  }, options.durationMs);
  void agent.whenExited().then(() => {
    if (!run.signal.aborted) problems.push('the agent exited during the run');
    run.abort();
    sampling.abort();
  });

  const readings = sample({
    agent,
    sampleMs: options.sampleMs,
    runStartMs,
    callsCompleted: completed,
    signal: sampling.signal,
  });
  try {
    await runSlots({
      mediaUrl: agent.mediaUrl,
      control: target.control,
      manifest: target.manifest,
      signal: run.signal,
      runStartMs,
      scripts: target.scripts,
      slots: options.concurrentCalls,
      durationMs: options.durationMs,
      onCall: (record, slot) => {
        calls.push(record);
        warmup.callEnded(slot);
      },
    });
  } finally {
    for (const timer of warmupTimers) clearTimeout(timer);
    clearTimeout(endTimer);
    run.abort();
    sampling.abort();
  }
  const wallMs = performance.now() - runStartMs;
  const { samples, heapSource, errors } = await readings;
  problems.push(...errors.map((error) => `sample: ${error}`));

  const idleAfter = agent.hasExited ? undefined : await idleMemory(agent, wallMs, completed());

  return {
    calls,
    samples,
    heapSource,
    idleBefore,
    warmupEndMs,
    warmupForced: warmup.wasForced,
    atWarmupEnd,
    atRunEnd,
    idleAfter,
    wallMs,
    problems,
  };
}

/** Waits for the agent's open calls to reach 0 (bounded), settles, then reads its memory. */
async function idleMemory(
  agent: AgentProcess,
  atMs: number,
  callsCompleted: number,
): Promise<MemoryPoint> {
  const deadline = performance.now() + CLOSE_WAIT_MS;
  while (performance.now() < deadline) {
    const scrape = await agent.scrape().catch(() => undefined);
    if (scrape !== undefined && sumOf(scrape, 'media_active_calls') === 0) break;

    await sleep(200);
  }
  await sleep(IDLE_SETTLE_MS);

  return memoryPoint(agent, atMs, callsCompleted);
}

async function memoryPoint(
  agent: AgentProcess,
  atMs: number,
  callsCompleted: number,
): Promise<MemoryPoint> {
  const report = await agent.memory(true);
  if (!report.collected) throw new Error('the agent cannot collect garbage (no --expose-gc)');

  return {
    atMs,
    rssBytes: agent.rssBytes(),
    heapAfterGcBytes: report.heapUsedBytes,
    callsCompleted,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
