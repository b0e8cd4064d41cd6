// Reading form bodies and writing JSON answers on node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { TwilioRestError } from './errors.js';

/** Largest request body the emulator reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a request body, refusing bodies over `MAX_BODY_BYTES`. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (sizeBytes > MAX_BODY_BYTES) {
      throw new TwilioRestError(413, 20001, `request body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }

  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** The first value of each form field (Twilio's parameters are single-valued but for a few). */
export function firstValues(form: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form) values[name] ??= value;

  return values;
}
