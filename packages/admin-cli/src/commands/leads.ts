// `voice-admin leads`: list, get, add, update, delete and CSV import, through the API.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { registerList } from '../api/list-command.js';
import { apiClient, printJson, println, withApi } from '../api/session.js';

type Lead = Record<string, unknown> & { id: string; name: string; phone: string };

const LEAD_COLUMNS = ['id', 'name', 'phone', 'language', 'status', 'consent', 'do_not_call'];

interface ImportSummary {
  total_rows: number;
  created: number;
  invalid: number;
  duplicates_in_file: number;
  duplicates_in_store: number;
  errors: Array<{ line: number; field: string; code: string; message: string }>;
  errors_truncated: boolean;
}

interface LeadFields {
  name?: string;
  phone?: string;
  language?: string;
  loanType?: string;
  status?: string;
  consent?: boolean;
  doNotCall?: boolean;
}

/** The API body for the given options (only what was given). */
function leadBody(options: LeadFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: options.name,
    phone: options.phone,
    language: options.language,
    loan_type: options.loanType,
    status: options.status,
    consent: options.consent,
    do_not_call: options.doNotCall,
  };

  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function printLead(lead: Lead, json?: boolean): void {
  if (json) return printJson(lead);

  for (const [name, value] of Object.entries(lead)) println(`${name.padEnd(12)} ${value ?? '-'}`);
}

function printSummary(summary: ImportSummary): void {
  println(
    `rows ${summary.total_rows}: created ${summary.created}, invalid ${summary.invalid}, ` +
      `duplicates in file ${summary.duplicates_in_file}, already stored ${summary.duplicates_in_store}`,
  );
  for (const error of summary.errors) {
    println(`  line ${error.line}: ${error.field}: ${error.message} (${error.code})`);
  }
  if (summary.errors_truncated) println('  … more errors not listed');
}

function leadFieldOptions(command: Command): Command {
  return command
    .option('--language <tag>', 'language tag, e.g. hi-IN')
    .option('--loan-type <type>', 'kind of loan')
    .option('--consent', 'the lead agreed to be called')
    .option('--no-consent', 'the lead did not agree to be called')
    .option('--do-not-call', 'never call this lead')
    .option('--no-do-not-call', 'this lead may be called')
    .option('--json', 'print JSON');
}

/** Registers `voice-admin leads …`. */
export function register(program: Command): void {
  const leads = program.command('leads').description('Leads: the people the agent calls');

  registerList(leads, {
    description: 'List leads, newest first',
    path: '/api/v1/leads',
    filters: [
      { flags: '--status <status>', description: 'only this status', param: 'status' },
      { flags: '--phone <number>', description: 'only this phone number', param: 'phone' },
    ],
    columns: LEAD_COLUMNS,
  });

  leads
    .command('get <id>')
    .description('Show one lead')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (id: string, options: { json?: boolean }) {
        printLead(
          await apiClient().call<Lead>('GET', `/api/v1/leads/${encodeURIComponent(id)}`),
          options.json,
        );
      }),
    );

  leadFieldOptions(
    leads
      .command('add')
      .description('Add a lead')
      .requiredOption('--name <name>', 'full name')
      .requiredOption('--phone <number>', 'phone number (normalised to E.164)'),
  ).action(
    withApi(async function (options: LeadFields & { json?: boolean }) {
      printLead(
        await apiClient().call<Lead>('POST', '/api/v1/leads', leadBody(options)),
        options.json,
      );
    }),
  );

  leadFieldOptions(
    leads
      .command('update <id>')
      .description('Change a lead (only the options given)')
      .option('--name <name>', 'full name')
      .option('--phone <number>', 'phone number')
      .option('--status <status>', 'funnel status'),
  ).action(
    withApi(async function (this: Command, id: string, options: LeadFields & { json?: boolean }) {
      const body = leadBody(options);
      if (Object.keys(body).length === 0)
        this.error('nothing to change: give at least one option', { exitCode: 1 });

      printLead(
        await apiClient().call<Lead>('PATCH', `/api/v1/leads/${encodeURIComponent(id)}`, body),
        options.json,
      );
    }),
  );

  leads
    .command('delete <id>')
    .description('Delete a lead without calls')
    .action(
      withApi(async function (id: string) {
        await apiClient().call('DELETE', `/api/v1/leads/${encodeURIComponent(id)}`);
        println(`deleted lead ${id}`);
      }),
    );

  leads
    .command('import <file>')
    .description(
      'Import leads from a CSV file (header: name,phone[,language,loan_type,consent,do_not_call,time_zone,notes])',
    )
    .option('--json', 'print the summary as JSON')
    .action(
      withApi(async function (this: Command, file: string, options: { json?: boolean }) {
        const csv = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) =>
          this.error(`${file}: cannot read (${error.code ?? error.message})`, { exitCode: 1 }),
        );
        const summary = await apiClient().call<ImportSummary>(
          'POST',
          '/api/v1/leads/import',
          csv,
          'text/csv',
        );

        if (options.json) printJson(summary);
        else printSummary(summary);
      }),
    );
}
