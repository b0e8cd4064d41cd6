// Samples the agent every few seconds while calls run: RSS from /proc, the V8 heap from
// /metrics when it exports nodejs_heap_size_used_bytes (else over IPC), and the event-loop
// delay p99 and open calls from /metrics. A failed reading is left as NaN, not fatal: the run
// goes on and the figure shows the gap.
import { setTimeout as sleep } from 'node:timers/promises';

import { sumOf, type Scrape } from '../load/prometheus.js';
import type { AgentProcess } from './agent-process.js';
import type { SoakSample } from './slope.js';

// Limit: only the main thread's V8 heap is read; the DSP worker threads' heaps, Buffers outside
// the heap and native allocations show in RSS alone, so RSS growth with a flat heap cannot be
// pinned on one of them.

/** Where the heap figure came from. */
export type HeapSource = 'metrics' | 'ipc';

/** The sampler's readings. */
export interface Sampling {
  /** Samples in time order. */
  samples: SoakSample[];
  /** Where heap figures came from (the first scrape decides). */
  heapSource: HeapSource | undefined;
  /** Readings that failed (first 10 messages). */
  errors: string[];
}

/** What the sampler needs. */
export interface SamplerContext {
  /** The agent. */
  agent: AgentProcess;
  /** Time between samples, ms. */
  sampleMs: number;
  /** performance.now() at the start of the run. */
  runStartMs: number;
  /** Calls completed so far. */
  callsCompleted: () => number;
  /** Aborted when sampling must stop. */
  signal: AbortSignal;
}

/** Samples until `signal` aborts (one last sample is taken then). */
export async function sample(context: SamplerContext): Promise<Sampling> {
  const sampling: Sampling = { samples: [], heapSource: undefined, errors: [] };

  // The first scrape resets the agent's loop-delay sampler, so each later p99 covers exactly
  // the interval since the previous sample (the bench is the only scraper).
  await context.agent.scrape().catch(() => undefined);
  let nextAtMs = performance.now() + context.sampleMs;
  while (!context.signal.aborted && !context.agent.hasExited) {
    // Why a due time and not a fixed sleep: a slow reading must not shift every later sample.
    await sleep(Math.max(0, nextAtMs - performance.now()), undefined, {
      signal: context.signal,
    }).catch(() => undefined);
    nextAtMs += context.sampleMs;
    if (context.agent.hasExited) break;

    sampling.samples.push(await takeSample(context, sampling));
  }

  return sampling;
}

/** One reading of every figure; a figure that cannot be read is NaN. */
async function takeSample(context: SamplerContext, sampling: Sampling): Promise<SoakSample> {
  const { agent } = context;
  const atMs = performance.now() - context.runStartMs;
  const callsCompleted = context.callsCompleted();
  const rssBytes = attempt(sampling, () => agent.rssBytes());
  const scrape = await agent.scrape().catch((error: unknown) => note(sampling, error));

  sampling.heapSource ??= scrapeHasHeap(scrape) ? 'metrics' : 'ipc';
  const heapUsedBytes =
    sampling.heapSource === 'metrics'
      ? valueOf(scrape, 'nodejs_heap_size_used_bytes')
      : ((await agent.memory().catch((error: unknown) => note(sampling, error)))?.heapUsedBytes ??
        NaN);

  return {
    atMs,
    rssBytes,
    heapUsedBytes,
    loopDelayP99Ms: 1000 * valueOf(scrape, 'media_event_loop_delay_seconds', { quantile: '0.99' }),
    activeCalls: valueOf(scrape, 'media_active_calls'),
    callsCompleted,
  };
}

function scrapeHasHeap(scrape: Scrape | undefined): boolean {
  return scrape?.some((entry) => entry.name === 'nodejs_heap_size_used_bytes') === true;
}

/** The metric's value, NaN when the scrape failed or does not hold it. */
function valueOf(
  scrape: Scrape | undefined,
  name: string,
  labels: Record<string, string> = {},
): number {
  const present = scrape?.some(
    (entry) =>
      entry.name === name &&
      Object.entries(labels).every(([key, value]) => entry.labels[key] === value),
  );

  return present === true && scrape !== undefined ? sumOf(scrape, name, labels) : NaN;
}

function attempt(sampling: Sampling, read: () => number): number {
  try {
    return read();
  } catch (error) {
    note(sampling, error);
    return NaN;
  }
}

function note(sampling: Sampling, error: unknown): undefined {
  if (sampling.errors.length < 10) {
    sampling.errors.push(error instanceof Error ? error.message : String(error));
  }

  return undefined;
}
