// The Twilio REST emulator: the Calls API of https://api.twilio.com/2010-04-01 on node:http.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pino } from 'pino';

import type { CallRecord } from './call-record.js';
import { callResource } from './call-record.js';
import { runCall, type RunnerContext } from './call-runner.js';
import { createCallRecord, updateCallRecord } from './calls-api.js';
import { authenticateError, notFoundError, TwilioRestError } from './errors.js';
import { closeServer, listen } from '../http/plumbing.js';
import { readBody, sendJson } from './http.js';
import type { EmulatedCall, TwilioRestEmulator, TwilioRestEmulatorOptions } from './types.js';

/** `/2010-04-01/Accounts/{AccountSid}/Calls.json` and `/…/Calls/{CallSid}.json`. */
const CALLS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/([^/]+))?\.json$/;

/** Starts the emulator on 127.0.0.1. */
export async function startTwilioRestEmulator(
  options: TwilioRestEmulatorOptions,
): Promise<TwilioRestEmulator> {
  const calls: CallRecord[] = [];
  const closing = new AbortController();
  const context: RunnerContext = {
    authToken: options.authToken,
    onStream: options.onStream,
    outcome: options.outcome ?? (() => 'completed'),
    ringMs: options.ringMs ?? 0,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    closed: closing.signal,
    log: options.log ?? pino({ level: 'silent' }),
  };

  const server = createServer((request, response) => {
    handle(options, context, calls, request, response).catch((error: unknown) => {
      const failure = error instanceof TwilioRestError ? error : internalError(context, error);
      if (!response.headersSent) sendJson(response, failure.status, failure.toBody());
    });
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1');

  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    waitForCall: async (sid) => waitForCall(calls, sid),
    close: () => {
      closed ??= closeEmulator(server, closing, calls);

      return closed;
    },
  };
}

async function handle(
  options: TwilioRestEmulatorOptions,
  context: RunnerContext,
  calls: CallRecord[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (!authenticated(options, request)) throw authenticateError();

  const match = CALLS_PATH.exec(path);
  if (!match || match[1] !== options.accountSid) throw notFoundError(path);
  const callSid = match[2];
  const call = callSid === undefined ? undefined : calls.find((known) => known.sid === callSid);
  if (callSid !== undefined && call === undefined) throw notFoundError(path);

  if (request.method === 'GET') {
    return sendJson(response, 200, call ? callResource(call) : callList(path, calls));
  }
  if (request.method !== 'POST') throw new TwilioRestError(405, 20004, 'Method not allowed');

  const form = new URLSearchParams(await readBody(request));
  if (call !== undefined) {
    updateCallRecord(call, form);
    context.log.info({ callSid: call.sid }, 'call updated');

    return sendJson(response, 200, callResource(call));
  }

  const created = createCallRecord(options.accountSid, form);
  calls.push(created);
  context.log.info({ callSid: created.sid }, 'call created');
  sendJson(response, 201, callResource(created));
  // The create request is answered before the call rings, as Twilio queues the call.
  created.done = new Promise((resolve) => setImmediate(resolve)).then(() =>
    runCall(context, created),
  );
}

/** HTTP Basic auth with AccountSid:AuthToken (compared in constant time). */
function authenticated(options: TwilioRestEmulatorOptions, request: IncomingMessage): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;

  const received = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  const expected = Buffer.from(`${options.accountSid}:${options.authToken}`);

  return received.length === expected.length && timingSafeEqual(received, expected);
}

function callList(path: string, calls: CallRecord[]): Record<string, unknown> {
  // Limit: one page with every call and no filters (To, From, Status), unlike Twilio's paging.
  return {
    calls: calls.map(callResource),
    end: Math.max(calls.length - 1, 0),
    first_page_uri: `${path}?PageSize=50&Page=0`,
    next_page_uri: null,
    page: 0,
    page_size: 50,
    previous_page_uri: null,
    start: 0,
    uri: path,
  };
}

function internalError(context: RunnerContext, error: unknown): TwilioRestError {
  context.log.error({ err: error }, 'request failed');

  return new TwilioRestError(500, 20500, 'Internal Server Error');
}

async function waitForCall(calls: CallRecord[], sid: string): Promise<EmulatedCall> {
  const call = calls.find((known) => known.sid === sid);
  if (call === undefined) throw new Error(`unknown call ${sid}`);
  await call.done;

  return call;
}

async function closeEmulator(
  server: ReturnType<typeof createServer>,
  closing: AbortController,
  calls: CallRecord[],
): Promise<void> {
  closing.abort();
  await Promise.all([closeServer(server), ...calls.map((call) => call.done)]);
}
