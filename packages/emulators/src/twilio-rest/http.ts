// Reading form bodies and writing JSON answers on node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readBody as readRawBody, sendJson as sendJsonAs } from '../http/plumbing.js';
import { TwilioRestError } from './errors.js';

/** Largest request body the emulator reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a request body as UTF-8 text, refusing bodies over `MAX_BODY_BYTES`. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const tooLarge = (maxBytes: number) =>
    new TwilioRestError(413, 20001, `request body over ${maxBytes} bytes`);

  return (await readRawBody(request, MAX_BODY_BYTES, tooLarge)).toString('utf8');
}

/** Writes a JSON answer, with the charset Twilio's API names. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendJsonAs(response, status, body, 'application/json; charset=utf-8');
}

/** The first value of each form field (Twilio's parameters are single-valued but for a few). */
export function firstValues(form: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form) values[name] ??= value;

  return values;
}
