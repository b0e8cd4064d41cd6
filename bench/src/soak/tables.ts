// The soak's printed tables, from its figures.
import { fixed, type Table } from '../report.js';
import type { SoakFigures } from './figures.js';
import type { SoakOptions } from './options.js';
import type { MemoryPoint, SoakRun } from './soak-run.js';
import type { Growth } from './slope.js';

const MB = 2 ** 20;

/** The headline figures: calls, RSS, slopes, loop delay, verdict. */
export function summaryTable(figures: SoakFigures, run: SoakRun, options: SoakOptions): Table {
  const all = figures.tallies.at(-1);
  const verdict =
    figures.bounded === undefined
      ? 'cannot tell (see notes)'
      : figures.bounded
        ? 'yes'
        : 'NO: growing';

  return {
    title: `Soak: ${options.concurrentCalls} concurrent real-time calls for ${options.durationMs / 1000} s`,
    columns: ['figure', 'value'],
    rows: [
      ['calls completed', String(all?.completed ?? 0)],
      ['calls failed', String(all?.failed ?? 0)],
      ['calls cut at the end of the run', String(all?.cut ?? 0)],
      ['warm-up (s)', fixed(figures.warmupEndMs / 1000, 0)],
      [
        'RSS before the first call / at the end / max (MB)',
        `${mb(run.idleBefore.rssBytes)} / ${mb(figures.rss.end)} / ${mb(figures.rss.max)}`,
      ],
      ['RSS slope per completed call (KiB)', fixed(figures.rssGrowth.bytesPerCall / 1024, 1)],
      ['RSS slope per minute (MB)', fixed(figures.rssGrowth.bytesPerMinute / MB, 2)],
      [
        'retained heap per completed call (KiB, full GC)',
        fixed(figures.retained.bytesPerCall / 1024, 1),
      ],
      [
        'event-loop delay p99, median / max of samples (ms)',
        `${fixed(figures.loopDelayP99MedianMs, 1)} / ${fixed(figures.loopDelayP99MaxMs, 1)}`,
      ],
      ['open calls on the agent, median', fixed(figures.activeCallsMedian, 0)],
      ['memory looks bounded', verdict],
    ],
  };
}

/** Calls per script: results, length, outcomes. */
export function callsTable(figures: SoakFigures): Table {
  return {
    title: 'Calls by script',
    columns: [
      'script',
      'calls',
      'completed',
      'failed',
      'cut',
      'median s',
      'outcomes',
      'agent hung up',
      'turns w/o reply',
    ],
    rows: figures.tallies.map((tally) => [
      tally.script,
      String(tally.calls),
      String(tally.completed),
      String(tally.failed),
      String(tally.cut),
      fixed(tally.medianSeconds, 1),
      Object.entries(tally.outcomes)
        .map(([outcome, count]) => `${outcome} ×${count}`)
        .join(', ') || '–',
      String(tally.endedByServer),
      String(tally.turnsWithoutReply),
    ]),
  };
}

/** Memory of the agent: idle before, during, idle after, and the growth figures. */
export function memoryTable(figures: SoakFigures, run: SoakRun): Table {
  return {
    title: 'Memory of the agent process (MB; growth after the warm-up)',
    columns: [
      'figure',
      'idle before',
      'warm-up end',
      'run end',
      'idle after',
      'per call (KiB)',
      'per minute (MB)',
      'samples',
    ],
    rows: [
      [
        'RSS',
        mb(run.idleBefore.rssBytes),
        mb(run.atWarmupEnd?.rssBytes),
        mb(run.atRunEnd?.rssBytes),
        mb(run.idleAfter?.rssBytes),
        ...growthCells(figures.rssGrowth),
      ],
      [
        `V8 heap used (sampled, via ${run.heapSource ?? '–'})`,
        '–',
        '–',
        '–',
        '–',
        ...growthCells(figures.heapGrowth),
      ],
      [
        'V8 heap after full GC',
        ...[run.idleBefore, run.atWarmupEnd, run.atRunEnd, run.idleAfter].map((point) =>
          heapText(point),
        ),
        fixed(figures.retained.bytesPerCall / 1024, 1),
        fixed(figures.retained.bytesPerMinute / MB, 2),
        `${figures.retained.calls} calls`,
      ],
    ],
  };
}

function growthCells(growth: Growth): string[] {
  return [
    fixed(growth.bytesPerCall / 1024, 1),
    fixed(growth.bytesPerMinute / MB, 2),
    String(growth.samples),
  ];
}

function heapText(point: MemoryPoint | undefined): string {
  return mb(point?.heapAfterGcBytes);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : fixed(bytes / MB, 1);
}
