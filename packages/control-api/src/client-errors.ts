// Answers requests that Node's HTTP parser refuses before Fastify sees them (a body longer than
// its Content-Length, a bad header, headers too large) in the API's one error shape.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import { ApiError, errorBody } from './errors.js';

/** The parser's failures that have a more precise answer than 400. */
const CLIENT_ERRORS: Record<string, ApiError> = {
  HPE_HEADER_OVERFLOW: new ApiError(431, 'headers_too_large', 'request headers are too large'),
  ERR_HTTP_REQUEST_TIMEOUT: new ApiError(408, 'request_timeout', 'the request took too long'),
};

/**
 * Fastify's `clientErrorHandler`: writes a JSON error and closes the connection, since the
 * parser can no longer tell where the next request would start.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();

    return;
  }

  const apiError =
    CLIENT_ERRORS[error.code ?? ''] ??
    new ApiError(400, 'bad_request', 'the request is not valid HTTP/1.1', { field: 'request' });
  const body = JSON.stringify(errorBody(apiError));
  socket.end(
    [
      `HTTP/1.1 ${apiError.statusCode} ${STATUS_CODES[apiError.statusCode] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
