// What the API-backed command groups share: the client from the environment, one-line
// failures, plain tables and `--json` output.
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClientError, ControlApiClient } from '@voice-agent/control-api';
import { printJson } from '../output.js';

/** The control API client configured by `VOICE_API_URL` and `VOICE_API_TOKEN`. */
export function apiClient(env: NodeJS.ProcessEnv = process.env): ControlApiClient {
  return new ControlApiClient({
    baseUrl: env['VOICE_API_URL'] ?? 'http://127.0.0.1:3000',
    token: env['VOICE_API_TOKEN'],
  });
}

/** Turns an API failure into commander's one-line error (exit 1; 2 for a missing token). */
export function apiFailure(command: Command, error: unknown): never {
  if (!(error instanceof ApiClientError)) throw error;

  const field = error.field ? ` [${error.field}]` : '';
  const hint = error.status === 401 ? ' (set VOICE_API_TOKEN: voice-admin users login)' : '';
  command.error(`${error.message}${field} (${error.code})${hint}`, {
    exitCode: error.status === 401 ? 2 : 1,
    code: `voice-admin.${error.code}`,
  });
}

/** Runs an action, reporting API failures on the command. */
export function withApi<A extends unknown[]>(
  action: (this: Command, ...args: A) => Promise<void>,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A) {
    try {
      await action.apply(this, args);
    } catch (error) {
      apiFailure(this, error);
    }
  };
}

/** Writes a line to standard output. */
export function println(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as indented JSON (the same output the audio commands give). */
export { printJson };

/** Writes rows as a table with padded columns (`-` for empty cells). */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const cell = (value: unknown) =>
    value === null || value === undefined || value === '' ? '-' : String(value);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();

  println(line(columns.map((column) => column.toUpperCase())));
  for (const row of rows) println(line(columns.map((column) => cell(row[column]))));
}

/** One page of a listing, as the control API returns it. */
export interface ListPage<T> {
  /** The page's rows. */
  items: T[];
  /** Where the next page starts, or null on the last page. */
  next_cursor: string | null;
}

/** Writes a listing page: JSON with `--json`, else a table and how to ask for the next page. */
export function printPage<T extends Record<string, unknown>>(
  page: ListPage<T>,
  columns: string[],
  json: boolean | undefined,
): void {
  if (json) return printJson(page);

  printTable(page.items, columns);
  if (page.next_cursor) println(`more: --cursor ${page.next_cursor}`);
}

/** Reads standard input to the end (for `--password-stdin`), without the final newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Parses a positive integer option (commander names the option in its error). */
export function positiveInt(raw: string): number {
  {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError('must be a positive integer');

    return value;
  }
}
