// `voice-admin calls`: list, get (with the conversation), place, hand off, through the API.
import type { Command } from 'commander';
import { registerList } from '../api/list-command.js';
import { apiClient, printJson, println, withApi } from '../api/session.js';

type Call = Record<string, unknown> & { id: string; status: string };

interface CallDetail extends Call {
  turns: Array<{ role: string; text: string; at: string }>;
  handoffs: Array<{ requested_by: string; reason: string; status: string; target: string }>;
  outcome: Record<string, unknown> | null;
  facts: Record<string, unknown>;
}

const CALL_COLUMNS = ['id', 'direction', 'status', 'to_number', 'duration_s', 'created_at'];

function printDetail(call: CallDetail): void {
  for (const name of [
    'id',
    'lead_id',
    'direction',
    'status',
    'from_number',
    'to_number',
    'language',
    'started_at',
    'ended_at',
    'duration_s',
  ]) {
    println(`${name.padEnd(12)} ${call[name] ?? '-'}`);
  }
  println(`${'outcome'.padEnd(12)} ${call.outcome ? JSON.stringify(call.outcome) : '-'}`);
  println(`${'facts'.padEnd(12)} ${JSON.stringify(call.facts)}`);

  println('conversation:');
  for (const turn of call.turns) println(`  ${turn.role.padEnd(6)} ${turn.text}`);
  for (const handoff of call.handoffs) {
    println(
      `hand-off: ${handoff.status} to ${handoff.target}, by ${handoff.requested_by}: ${handoff.reason}`,
    );
  }
}

/** Registers `voice-admin calls …`. */
export function register(program: Command): void {
  const calls = program.command('calls').description('Calls: place, inspect, hand off');

  registerList(calls, {
    description: 'List calls, newest first',
    path: '/api/v1/calls',
    filters: [
      { flags: '--lead <id>', description: 'only calls of this lead', param: 'lead_id' },
      { flags: '--status <status>', description: 'only this status', param: 'status' },
    ],
    columns: CALL_COLUMNS,
  });

  calls
    .command('get <id>')
    .description('Show a call with its conversation, outcome and hand-offs')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (id: string, options: { json?: boolean }) {
        const call = await apiClient().call<CallDetail>(
          'GET',
          `/api/v1/calls/${encodeURIComponent(id)}`,
        );

        if (options.json) printJson(call);
        else printDetail(call);
      }),
    );

  calls
    .command('place')
    .description('Place an outbound call to a lead')
    .requiredOption('--lead <id>', 'the lead to call')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (options: { lead: string; json?: boolean }) {
        const call = await apiClient().call<Call>('POST', '/api/v1/calls', {
          lead_id: options.lead,
        });

        if (options.json) printJson(call);
        else
          println(`placed call ${call.id} (${call.status}, Twilio ${call['twilio_sid'] ?? '-'})`);
      }),
    );

  calls
    .command('handoff <id>')
    .description('Hand a live call to a human agent')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (id: string, options: { reason: string; json?: boolean }) {
        const handoff = await apiClient().call<Record<string, unknown>>(
          'POST',
          `/api/v1/calls/${encodeURIComponent(id)}/handoff`,
          { reason: options.reason },
        );

        if (options.json) printJson(handoff);
        else println(`hand-off ${handoff['id']}: ${handoff['status']} to ${handoff['target']}`);
      }),
    );
}
