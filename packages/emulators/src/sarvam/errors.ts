// Sarvam's error body: `{ error: { message, code, request_id } }`, with a code per status.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/plumbing.js';

/** A request Sarvam would refuse: the status, and a message naming the field. */
export class SarvamRequestError extends Error {
  constructor(
    /** HTTP status to answer. */ readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const codeForStatus: Record<number, string> = {
  400: 'invalid_request_error',
  403: 'invalid_api_key_error',
  404: 'not_found_error',
  422: 'unprocessable_entity_error',
  429: 'rate_limit_exceeded_error',
};

/** Sends Sarvam's error JSON. */
export function sendSarvamError(
  res: ServerResponse,
  status: number,
  message: string,
  requestId: string,
): void {
  const code =
    codeForStatus[status] ?? (status >= 500 ? 'internal_server_error' : 'invalid_request_error');
  sendJson(res, status, { error: { message, code, request_id: requestId } });
}
