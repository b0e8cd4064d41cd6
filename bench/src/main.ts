// The bench runner: `node bench/dist/src/main.js [NAME]` runs one benchmark, or all of them.
// A benchmark is an async function returning tables, notes and data; registering one is one
// line in BENCHMARKS.

import { runBargeInBench } from './barge-in/index.js';
import { runDspBench } from './dsp/index.js';
import { runFailoverBench } from './failover/index.js';
import { runTurnBench } from './turn/index.js';
import { runLoadBench } from './load/index.js';
import { runSoakBench } from './soak/index.js';
import {
  formatMachine,
  formatTable,
  machineInfo,
  writeResult,
  type BenchResult,
} from './report.js';

/** Every benchmark by the name `npm run bench -- NAME` takes. */
const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  dsp: runDspBench,
  failover: runFailoverBench,
  turn: runTurnBench,
  'barge-in': runBargeInBench,
  load: runLoadBench,
  soak: runSoakBench,
};

async function runOne(name: string, run: () => Promise<BenchResult>): Promise<void> {
  const machine = machineInfo();
  console.log(`## bench: ${name}\n\n${formatMachine(machine)}\n`);

  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;

  for (const table of result.tables) console.log(`${formatTable(table)}\n`);
  for (const note of result.notes) console.log(`- ${note}`);

  const path = writeResult(name, machine, result);
  console.log(`\n${name}: ${seconds.toFixed(1)} s, written to ${path}\n`);
}

async function main(): Promise<void> {
  const requested = process.argv[2];
  const names = Object.keys(BENCHMARKS);
  if (requested !== undefined && !names.includes(requested)) {
    console.error(`unknown benchmark "${requested}": choose one of ${names.join(', ')}`);
    process.exitCode = 2;

    return;
  }

  for (const name of requested === undefined ? names : [requested]) {
    await runOne(name, BENCHMARKS[name] as () => Promise<BenchResult>);
  }
}

await main();
