// The PromQL queries that live in deploy/: alert rules and the Grafana dashboard.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { NamedQuery } from './exported-metrics.js';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('pnpm-workspace.yaml not found above the test file');
    dir = parent;
  }

  return dir;
}

/** Path of the alert rules file. */
export const ALERTS_PATH = 'deploy/prometheus/alerts.yml';

/** Path of the Grafana dashboard. */
export const DASHBOARD_PATH = 'deploy/grafana/voice-agent.json';

/** Every `expr` of a Prometheus rules file (alerting and recording rules). */
export function ruleQueries(yamlText: string): NamedQuery[] {
  const document = parse(yamlText) as { groups?: RuleGroup[] } | null;

  return (document?.groups ?? []).flatMap((group) =>
    (group.rules ?? []).map((rule) => ({
      where: `rule ${rule.alert ?? rule.record ?? '(unnamed)'} in group ${group.name}`,
      expr: String(rule.expr),
    })),
  );
}

/** One group of a Prometheus rules file, as far as this check reads it. */
interface RuleGroup {
  /** Group name. */
  name: string;
  /** Its rules. */
  rules?: { alert?: string; record?: string; expr: unknown }[];
}

/** Every `expr` anywhere in a Grafana dashboard (panel targets, nested rows included). */
export function dashboardQueries(dashboard: unknown): NamedQuery[] {
  const found: NamedQuery[] = [];

  const visit = (node: unknown, title: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child) => visit(child, title));
      return;
    }
    if (node === null || typeof node !== 'object') return;

    const record = node as Record<string, unknown>;
    const here = typeof record.title === 'string' ? record.title : title;
    if (typeof record.expr === 'string')
      found.push({ where: `panel "${here}"`, expr: record.expr });
    Object.values(record).forEach((child) => visit(child, here));
  };
  visit(dashboard, '(dashboard)');

  return found;
}

/** The alert rules and dashboard queries as they are in the repository. */
export async function deployQueries(): Promise<{ rules: NamedQuery[]; panels: NamedQuery[] }> {
  const root = repositoryRoot();
  const alerts = await readFile(join(root, ALERTS_PATH), 'utf8');
  const dashboard = JSON.parse(await readFile(join(root, DASHBOARD_PATH), 'utf8')) as unknown;

  return { rules: ruleQueries(alerts), panels: dashboardQueries(dashboard) };
}
