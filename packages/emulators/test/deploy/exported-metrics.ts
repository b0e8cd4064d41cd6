// What a service's /metrics exports, and whether a name a query reads is among it.
import { metricNames, unresolvedNameMatchers } from './promql-names.js';

/** Metric family name → its Prometheus type (`counter`, `gauge`, `histogram`, …). */
export type ExportedMetrics = Map<string, string>;

/** Series suffixes a family of each type exposes besides its own name. */
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/**
 * The families in a Prometheus text exposition. `# TYPE` lines are read rather than samples
 * because prom-client prints no sample for a labelled metric that has not been touched yet,
 * and such a metric is still exported.
 */
export function parseExposition(text: string): ExportedMetrics {
  const families: ExportedMetrics = new Map();

  for (const line of text.split('\n')) {
    const match = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) families.set(match[1], match[2]);
  }

  return families;
}

/** Merges the families of several services (one Prometheus scrapes them all). */
export function mergeExports(...services: ExportedMetrics[]): ExportedMetrics {
  const merged: ExportedMetrics = new Map();
  for (const service of services) {
    for (const [name, type] of service) merged.set(name, type);
  }

  return merged;
}

/** Whether `name` is a series of an exported family (`x`, or `x_bucket` of histogram `x`). */
export function isExported(name: string, exported: ExportedMetrics): boolean {
  if (exported.has(name)) return true;

  for (const [family, type] of exported) {
    const suffixes = SUFFIXES[type] ?? [];
    if (suffixes.some((suffix) => name === family + suffix)) return true;
  }

  return false;
}

/** One query that reads something no service exports. */
export interface UnexportedUse {
  /** Where the query lives (alert name, dashboard panel title). */
  where: string;
  /** Metric names it reads that are not exported, and name matchers it cannot check. */
  missing: string[];
}

/** A query to check, with where it came from. */
export interface NamedQuery {
  /** Where the query lives (alert name, dashboard panel title). */
  where: string;
  /** The PromQL expression. */
  expr: string;
}

/** The queries that read metrics no service exports; empty when every one is exported. */
export function unexportedUses(queries: NamedQuery[], exported: ExportedMetrics): UnexportedUse[] {
  return queries.flatMap(({ where, expr }) => {
    const unknown = metricNames(expr).filter((name) => !isExported(name, exported));
    const missing = [...unknown, ...unresolvedNameMatchers(expr)];

    return missing.length === 0 ? [] : [{ where, missing }];
  });
}
