// A small real HTTP server playing the control API's side of Twilio: it serves TwiML and takes
// status callbacks, checking the X-Twilio-Signature of every request as the control API must.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { isValidTwilioSignature } from '../../src/twilio-rest/index.js';

/** One webhook the peer received. */
export interface ReceivedWebhook {
  /** Request path with its query. */
  path: string;
  /** HTTP method. */
  method: string;
  /** Form parameters (POST body, or the query for GET). */
  params: Record<string, string>;
  /** Whether X-Twilio-Signature matched the full URL and parameters. */
  signatureValid: boolean;
}

/** The running peer. */
export interface ControlPeer {
  /** `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** Every webhook received, in order. */
  received: ReceivedWebhook[];
  /** TwiML served per path (without query); unknown paths answer 404. */
  twiml: Map<string, string>;
  /** Resolves once a status callback with this `CallStatus` has arrived. */
  statusArrived(callStatus: string): Promise<ReceivedWebhook>;
  /** Stops the server. */
  close(): Promise<void>;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);

  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the peer; it validates signatures with `authToken`. */
export async function startControlPeer(authToken: string): Promise<ControlPeer> {
  const received: ReceivedWebhook[] = [];
  const twiml = new Map<string, string>();
  const waiters: Array<{ callStatus: string; resolve: (hook: ReceivedWebhook) => void }> = [];
  let baseUrl = '';

  const server = createServer((request, response) => {
    void readForm(request).then((form) => {
      const fullUrl = baseUrl + (request.url ?? '/');
      const url = new URL(fullUrl);
      const isGet = request.method === 'GET';
      const params = Object.fromEntries(isGet ? url.searchParams : form);
      const signature = String(request.headers['x-twilio-signature'] ?? '');
      const signatureValid = isValidTwilioSignature(
        authToken,
        fullUrl,
        isGet ? {} : params,
        signature,
      );
      const hook = {
        path: request.url ?? '/',
        method: request.method ?? '',
        params,
        signatureValid,
      };
      received.push(hook);

      for (const waiter of waiters.filter(
        (w) => w.callStatus === params['CallStatus'] && url.pathname === '/status',
      )) {
        waiter.resolve(hook);
      }
      const document = twiml.get(url.pathname);
      if (url.pathname === '/status') response.writeHead(204).end();
      else if (document === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'text/xml' }).end(document);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    received,
    twiml,
    statusArrived: (callStatus) => {
      const known = received.find(
        (hook) => hook.path === '/status' && hook.params['CallStatus'] === callStatus,
      );
      if (known) return Promise.resolve(known);

      return new Promise((resolve) => waiters.push({ callStatus, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
