// The notification emulator: Gupshup-style `POST /wa/api/v1/msg` and `POST /sm/api/v1/msg`.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { closeServer, listen, readBody, sendJson } from '../http/plumbing.js';

import { FaultQueue } from './faults.js';
import { acceptMessage, NotifyRequestError } from './messages.js';
import type {
  NotifyChannel,
  NotifyEmulator,
  NotifyEmulatorOptions,
  NotifyFault,
  NotifyMessage,
} from './types.js';

/** Largest request body read, in bytes. */
const MAX_BODY_BYTES = 64 * 1024;

// Limit: the SMS route takes the WhatsApp route's form fields (`channel`, `source`,
// `destination`, `message`); Gupshup's enterprise SMS API differs (user id and password in the
// query), so a client written against this route needs an adapter for the real SMS gateway.
const ROUTES: Record<string, NotifyChannel> = {
  '/wa/api/v1/msg': 'whatsapp',
  '/sm/api/v1/msg': 'sms',
};

/** Everything one request needs. */
interface NotifyState {
  options: NotifyEmulatorOptions;
  templates: ReadonlySet<string>;
  messages: NotifyMessage[];
  faults: FaultQueue;
  log: Logger;
  closing: AbortSignal;
}

/** Starts the emulator on 127.0.0.1. */
export async function startNotifyEmulator(options: NotifyEmulatorOptions): Promise<NotifyEmulator> {
  const closing = new AbortController();
  const state: NotifyState = {
    options,
    templates: new Set(options.templates ?? []),
    messages: [],
    faults: new FaultQueue(),
    log: options.log ?? pino({ level: 'silent' }),
    closing: closing.signal,
  };

  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!closing.signal.aborted) state.log.error({ err: error }, 'request failed');
      if (!response.headersSent)
        send(response, 500, { status: 'error', message: 'Internal Server Error' });
    });
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1');

  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    messages: state.messages,
    inject: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    close: () => {
      if (!closed) {
        closing.abort();
        closed = closeServer(server);
      }

      return closed;
    },
  };
}

async function handle(
  state: NotifyState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path.startsWith('/__admin/')) return handleAdmin(state, path, request, response);

  const channel = ROUTES[path];
  if (channel === undefined) return send(response, 404, { status: 'error', message: 'Not Found' });
  if (request.method !== 'POST')
    return send(response, 405, { status: 'error', message: 'Method Not Allowed' });

  const plan = state.faults.next();
  if (plan.delayMs > 0)
    await sleep(plan.delayMs, undefined, { signal: state.closing }).catch(() => undefined);
  if (plan.error !== undefined) return sendFault(response, plan.error);
  if (!validKey(state.options.apiKey, request.headers['apikey'])) {
    return send(response, 401, { status: 'error', message: 'Portal User Not Found With APIKey' });
  }

  try {
    const form = new URLSearchParams(await readText(request));
    const message = acceptMessage(channel, form, state.templates);
    state.messages.push(message);
    state.log.info({ messageId: message.messageId, channel }, 'message submitted');
    send(response, 202, { status: 'submitted', messageId: message.messageId });
  } catch (error) {
    if (!(error instanceof NotifyRequestError)) throw error;
    send(response, 400, { status: 'error', message: error.message });
  }
}

/**
 * `POST /__admin/faults` (a fault or a list), `DELETE /__admin/faults`, `GET /__admin/messages`.
 * Limit: the admin routes need no key; the emulator listens on 127.0.0.1 only for that reason.
 */
async function handleAdmin(
  state: NotifyState,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (path === '/__admin/messages' && request.method === 'GET')
    return send(response, 200, state.messages);
  if (path !== '/__admin/faults')
    return send(response, 404, { status: 'error', message: 'Not Found' });

  if (request.method === 'DELETE') {
    state.faults.clear();

    return send(response, 204, undefined);
  }
  if (request.method !== 'POST')
    return send(response, 405, { status: 'error', message: 'Method Not Allowed' });

  try {
    const body = JSON.parse(await readText(request)) as NotifyFault | NotifyFault[];
    for (const fault of Array.isArray(body) ? body : [body]) state.faults.add(fault);
    send(response, 204, undefined);
  } catch (error) {
    send(response, 400, {
      status: 'error',
      message: error instanceof Error ? error.message : 'bad fault',
    });
  }
}

function sendFault(
  response: ServerResponse,
  error: { status: number; retryAfterS?: number },
): void {
  if (error.retryAfterS !== undefined) response.setHeader('retry-after', String(error.retryAfterS));
  const message = error.status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  send(response, error.status, { status: 'error', message });
}

function validKey(expected: string, received: string | string[] | undefined): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);

  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a body of at most `MAX_BODY_BYTES` as UTF-8 text. */
async function readText(request: IncomingMessage): Promise<string> {
  const tooLarge = (maxBytes: number) => new NotifyRequestError(`body over ${maxBytes} bytes`);

  return (await readBody(request, MAX_BODY_BYTES, tooLarge)).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();

    return;
  }
  sendJson(response, status, body);
}
