// `voice-admin maintenance`: inbound callers hear a short message and outbound calling pauses.
import type { Command } from 'commander';
import { apiClient, printJson, println, withApi } from '../api/session.js';

interface MaintenanceState {
  enabled: boolean;
  message: string;
  updated_by: string | null;
  updated_at: string | null;
}

function printState(state: MaintenanceState, json?: boolean): void {
  if (json) return printJson(state);

  println(
    `maintenance ${state.enabled ? 'ON' : 'off'}${state.updated_by ? ` (by ${state.updated_by} at ${state.updated_at})` : ''}`,
  );
  if (state.enabled) println(`callers hear: ${state.message}`);
}

/** Registers `voice-admin maintenance …`. */
export function register(program: Command): void {
  const maintenance = program
    .command('maintenance')
    .description('Maintenance mode of the control API');

  maintenance
    .command('on')
    .description('Pause outbound calling; inbound callers hear the message')
    .option('--message <text>', 'what inbound callers hear')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (options: { message?: string; json?: boolean }) {
        const body = { enabled: true, ...(options.message ? { message: options.message } : {}) };
        printState(
          await apiClient().call<MaintenanceState>('PUT', '/api/v1/maintenance', body),
          options.json,
        );
      }),
    );

  maintenance
    .command('off')
    .description('Resume normal operation')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (options: { json?: boolean }) {
        printState(
          await apiClient().call<MaintenanceState>('PUT', '/api/v1/maintenance', {
            enabled: false,
          }),
          options.json,
        );
      }),
    );

  maintenance
    .command('status')
    .description('Show whether maintenance mode is on')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (options: { json?: boolean }) {
        printState(
          await apiClient().call<MaintenanceState>('GET', '/api/v1/maintenance'),
          options.json,
        );
      }),
    );
}
