// The node:http plumbing the REST emulators share: listening, closing, reading a bounded body
// and writing a JSON answer.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host:port` (port 0: any free port); resolves with the port bound. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return (server.address() as AddressInfo).port;
}

/** Stops listening and ends every open connection, stalled requests included. */
export function closeServer(server: Server): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  // Why after close(): no connection can arrive once the server stopped accepting.
  server.closeAllConnections();

  return stopped;
}

/** Reads a request body; throws `tooLarge(maxBytes)` once it passes `maxBytes`. */
export async function readBody(
  request: IncomingMessage,
  maxBytes: number,
  tooLarge: (maxBytes: number) => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (sizeBytes > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }

  return Buffer.concat(chunks);
}

/** Writes a JSON answer with its length; `contentType` defaults to `application/json`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
