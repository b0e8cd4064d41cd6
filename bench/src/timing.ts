// Timing of contenders run side by side: round after round, each contender runs once per round,
// so a noisy neighbour on a shared machine slows every contender alike instead of one of them.
// In-process work is timed in CPU time of this process: on a shared machine, time the
// scheduler gives to other processes is not charged to the code under test.

import { median } from './report.js';

/** Something to time: `run` does `units` units of work (samples, frames) per call. */
export interface Contender {
  /** Name shown in the results. */
  name: string;
  /** One batch of work. */
  run: () => void;
  /** Units of work one `run` does. */
  units: number;
  /** 'cpu' (default): this process's CPU time; 'wall': elapsed time, for child processes. */
  clock?: 'cpu' | 'wall';
}

/** How long to time. */
export interface TimingOptions {
  /** Rounds; the reported figure is the median over them. */
  rounds: number;
  /** Target length of one contender's turn in a round, ms (calls per turn are calibrated to it). */
  turnMs: number;
}

/** Median nanoseconds per unit of each contender, by name. */
export function timeSideBySide(
  contenders: readonly Contender[],
  options: TimingOptions,
): Map<string, number> {
  // Calibration doubles as warm-up: every contender is optimised by the JIT before timing.
  const calls = contenders.map((contender) => callsPerTurn(contender, options.turnMs));
  const samples = contenders.map(() => [] as number[]);

  for (let round = 0; round < options.rounds; round++) {
    contenders.forEach((contender, index) => {
      const count = calls[index] as number;
      const elapsedNs = timeCalls(contender, count);
      samples[index]?.push(elapsedNs / (count * contender.units));
    });
  }

  return new Map(
    contenders.map((contender, index) => [contender.name, median(samples[index] ?? [])]),
  );
}

/** Nanoseconds `count` calls take on the contender's clock. */
function timeCalls(contender: Contender, count: number): number {
  if (contender.clock === 'wall') {
    const started = process.hrtime.bigint();
    for (let call = 0; call < count; call++) contender.run();

    return Number(process.hrtime.bigint() - started);
  }

  const started = process.cpuUsage();
  for (let call = 0; call < count; call++) contender.run();
  const used = process.cpuUsage(started);

  return (used.user + used.system) * 1000;
}

function callsPerTurn(contender: Contender, turnMs: number): number {
  let calls = 1;
  for (;;) {
    const started = performance.now();
    for (let call = 0; call < calls; call++) contender.run();
    const elapsedMs = performance.now() - started;

    if (elapsedMs >= turnMs / 4 || calls >= 2 ** 24) {
      return Math.max(1, Math.round((calls * turnMs) / Math.max(elapsedMs, 1e-3)));
    }
    calls *= 2;
  }
}
