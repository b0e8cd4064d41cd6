// The figures a soak reports, computed from what it measured, and the verdict on memory: pure.
import { median } from '../report.js';
import type { CallRecord } from './call-runner.js';
import type { MemoryPoint, SoakRun } from './soak-run.js';
import { growthAfter, loopDelayMedianMs, spanOf, type Growth, type Span } from './slope.js';

/**
 * Memory counts as bounded when RSS grows by at most this per completed call after the
 * warm-up, bytes. A call that left its audio behind would cost far more: one minute of the
 * caller's 16 kHz PCM is 1.9 MB.
 */
export const MAX_RSS_BYTES_PER_CALL = 256 * 1024;

/**
 * …and the V8 heap after a full collection grows by at most this per completed call, bytes.
 * Not lower: the two readings catch K open calls at different points of their conversations,
 * and that difference, spread over the ten-odd calls a 3-minute run completes, is worth up to
 * some 100 KiB per call either way.
 */
export const MAX_RETAINED_HEAP_BYTES_PER_CALL = 256 * 1024;

/** Call counts of one script, or of all. */
export interface CallTally {
  /** Script name, or `all`. */
  script: string;
  /** Calls dialled. */
  calls: number;
  /** Calls that played to the end and whose end reached the control API. */
  completed: number;
  /** Calls that failed. */
  failed: number;
  /** Calls hung up because the run's time was up. */
  cut: number;
  /** Median length of the completed calls, s. */
  medianSeconds: number;
  /** Outcomes the agent reported for completed calls, with counts (`qualified ×3`). */
  outcomes: Record<string, number>;
  /** Completed calls the agent closed itself. */
  endedByServer: number;
  /** Caller turns taken with no bot reply within the script's time-out. */
  turnsWithoutReply: number;
}

/** Retained heap between two full-GC readings. */
export interface Retained {
  /** Heap growth per call completed between the readings, bytes. */
  bytesPerCall: number;
  /** Heap growth per minute between the readings, bytes. */
  bytesPerMinute: number;
  /** Calls completed between the readings. */
  calls: number;
}

/** Everything the tables print. */
export interface SoakFigures {
  /** Per script, then `all`. */
  tallies: CallTally[];
  /** End of the warm-up, ms since the run started. */
  warmupEndMs: number;
  /** RSS over the samples. */
  rss: Span;
  /** Sampled V8 heap over the samples. */
  heap: Span;
  /** RSS slopes after the warm-up. */
  rssGrowth: Growth;
  /** Sampled-heap slopes after the warm-up. */
  heapGrowth: Growth;
  /** Full-GC heap from the end of the warm-up to the end of the run. */
  retained: Retained;
  /** Median of the sampled event-loop delay p99s after the warm-up, ms. */
  loopDelayP99MedianMs: number;
  /** Largest sampled event-loop delay p99, ms. */
  loopDelayP99MaxMs: number;
  /** Median of the agent's open calls over the samples after the warm-up. */
  activeCallsMedian: number;
  /** True: bounded; false: growing; undefined: too few samples or calls to tell. */
  bounded: boolean | undefined;
  /** Why the verdict is what it is. */
  verdictReasons: string[];
}

/** Computes the figures of a run. */
export function soakFigures(run: SoakRun): SoakFigures {
  const warmupMs = run.warmupEndMs;
  const rssGrowth = growthAfter(run.samples, warmupMs, (sample) => sample.rssBytes);
  const retained = retainedBetween(run.atWarmupEnd, run.atRunEnd);
  const loopDelays = run.samples.map((sample) => sample.loopDelayP99Ms).filter(Number.isFinite);

  return {
    tallies: tallies(run.calls),
    warmupEndMs: warmupMs,
    rss: spanOf(run.samples, (sample) => sample.rssBytes),
    heap: spanOf(run.samples, (sample) => sample.heapUsedBytes),
    rssGrowth,
    heapGrowth: growthAfter(run.samples, warmupMs, (sample) => sample.heapUsedBytes),
    retained,
    loopDelayP99MedianMs: loopDelayMedianMs(run.samples, warmupMs),
    loopDelayP99MaxMs: loopDelays.length === 0 ? NaN : Math.max(...loopDelays),
    activeCallsMedian: median(
      run.samples
        .filter((sample) => sample.atMs >= warmupMs)
        .map((sample) => sample.activeCalls)
        .filter(Number.isFinite),
    ),
    ...(run.warmupForced
      ? {
          bounded: undefined,
          verdictReasons: [
            'steady state not reached: a slot had not ended its first call by the end of the ' +
              'warm-up, so the slopes still hold the ramp-up (run longer, or fewer, shorter scripts)',
          ],
        }
      : verdict(rssGrowth, retained)),
  };
}

/** Tallies per script (in order of first appearance), then one for all calls. */
export function tallies(calls: readonly CallRecord[]): CallTally[] {
  const scripts = [...new Set(calls.map((call) => call.script))];

  return [
    ...scripts.map((script) =>
      tally(
        script,
        calls.filter((call) => call.script === script),
      ),
    ),
    tally('all', calls),
  ];
}

function tally(script: string, calls: readonly CallRecord[]): CallTally {
  const completed = calls.filter((call) => call.result === 'completed');
  const outcomes: Record<string, number> = {};
  for (const call of completed) {
    const outcome = call.outcome ?? 'none';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }

  return {
    script,
    calls: calls.length,
    completed: completed.length,
    failed: calls.filter((call) => call.result === 'failed').length,
    cut: calls.filter((call) => call.result === 'cut').length,
    medianSeconds: median(completed.map((call) => call.durationMs / 1000)),
    outcomes,
    endedByServer: completed.filter((call) => call.endedByServer).length,
    turnsWithoutReply: calls.reduce((sum, call) => sum + call.turnsWithoutReply, 0),
  };
}

/** Heap growth between two full-GC readings, per call completed and per minute between them. */
export function retainedBetween(
  from: MemoryPoint | undefined,
  to: MemoryPoint | undefined,
): Retained {
  if (from === undefined || to === undefined) {
    return { bytesPerCall: NaN, bytesPerMinute: NaN, calls: 0 };
  }

  const growth = to.heapAfterGcBytes - from.heapAfterGcBytes;
  const calls = to.callsCompleted - from.callsCompleted;
  const minutes = (to.atMs - from.atMs) / 60_000;

  return {
    bytesPerCall: calls > 0 ? growth / calls : NaN,
    bytesPerMinute: minutes > 0 ? growth / minutes : NaN,
    calls,
  };
}

/** Bounded when both per-call growths are under their limits; undecided without an RSS slope. */
export function verdict(
  rssGrowth: Growth,
  retained: Retained,
): { bounded: boolean | undefined; verdictReasons: string[] } {
  if (!Number.isFinite(rssGrowth.bytesPerCall)) {
    return {
      bounded: undefined,
      verdictReasons: ['no RSS slope per call: too few samples or no call completed after warm-up'],
    };
  }

  const reasons: string[] = [];
  const rssOk = rssGrowth.bytesPerCall <= MAX_RSS_BYTES_PER_CALL;
  reasons.push(
    `RSS slope ${kib(rssGrowth.bytesPerCall)} KiB/call ${rssOk ? '≤' : '>'} ` +
      `${kib(MAX_RSS_BYTES_PER_CALL)} KiB/call (first half ` +
      `${kib(rssGrowth.firstHalfBytesPerCall)}, second half ` +
      `${kib(rssGrowth.secondHalfBytesPerCall)})`,
  );
  const heapMeasured = Number.isFinite(retained.bytesPerCall);
  const heapOk = !heapMeasured || retained.bytesPerCall <= MAX_RETAINED_HEAP_BYTES_PER_CALL;
  reasons.push(
    heapMeasured
      ? `retained heap ${kib(retained.bytesPerCall)} KiB/call ${heapOk ? '≤' : '>'} ` +
          `${kib(MAX_RETAINED_HEAP_BYTES_PER_CALL)} KiB/call`
      : 'retained heap not measured (no full-GC readings with calls completed between them)',
  );

  // Why halves: RSS settles towards a plateau after start-up, often in steps (V8 growing a heap
  // space, the allocator keeping freed pages), which a short run sees as a slope; a leak keeps
  // its pace. A steep overall slope whose second half is under the limit or under half the
  // first, with a flat heap, may be either: the run cannot tell.
  const settling =
    !rssOk &&
    heapOk &&
    rssGrowth.secondHalfBytesPerCall <=
      Math.max(MAX_RSS_BYTES_PER_CALL, rssGrowth.firstHalfBytesPerCall / 2);
  if (settling) {
    reasons.push(
      'RSS grew in steps or is slowing down while the heap stayed flat: settling or a slow ' +
        'native leak, which this run is too short to tell apart; run longer (SOAK_SECONDS)',
    );
    return { bounded: undefined, verdictReasons: reasons };
  }

  return { bounded: rssOk && heapOk, verdictReasons: reasons };
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
