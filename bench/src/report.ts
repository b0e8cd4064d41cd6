// What every benchmark reports with: the machine it ran on, medians, tables printed as
// Markdown (so they paste into the README as they are), and `bench/results/NAME.json`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** A table of results; cells are printed as given. */
export interface Table {
  /** Heading printed above the table. */
  title: string;
  /** Column headings. */
  columns: string[];
  /** One array of cells per row, in column order. */
  rows: string[][];
}

/** What a benchmark returns to the runner. */
export interface BenchResult {
  /** Tables to print, in order. */
  tables: Table[];
  /** Lines printed under the tables: method, caveats. */
  notes: string[];
  /** Machine-readable figures, written to the JSON file. */
  data: unknown;
}

/** The machine a run happened on. */
export interface MachineInfo {
  /** CPU model as the OS names it. */
  cpuModel: string;
  /** Logical cores. */
  cores: number;
  /** Total memory, MB. */
  memoryMB: number;
  /** Node.js version. */
  node: string;
  /** OS platform and architecture. */
  platform: string;
  /** When the run started, ISO 8601. */
  date: string;
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const cpuList = cpus();

  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryMB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;

  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;

  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;

  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;

  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** A row of `label`, the count, p50, p95, p99 and max of `values` (ms, one decimal). */
export function quantileRow(label: string, values: readonly number[]): string[] {
  return [
    label,
    String(values.length),
    fixed(median(values), 1),
    fixed(percentile(values, 95), 1),
    fixed(percentile(values, 99), 1),
    fixed(Math.max(...values), 1),
  ];
}

/** A number with `digits` decimals, or a dash when it is not finite. */
export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** The table as GitHub Markdown, columns padded to line up in a terminal. */
export function formatTable(table: Table): string {
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;

  return [`### ${table.title}`, '', line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

/** The machine as one line, for the top of a printed report. */
export function formatMachine(machine: MachineInfo): string {
  return (
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryMB} MB, ` +
    `Node ${machine.node} (${machine.platform}), ${machine.date}`
  );
}

/** Where result files go: `bench/results/`, whatever the working directory. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** Writes `bench/results/NAME.json` with the machine and the result; returns its path. */
export function writeResult(name: string, machine: MachineInfo, result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.json`;
  const body = { benchmark: name, machine, tables: result.tables, notes: result.notes };
  writeFileSync(path, `${JSON.stringify({ ...body, data: result.data }, null, 2)}\n`);

  return path;
}
