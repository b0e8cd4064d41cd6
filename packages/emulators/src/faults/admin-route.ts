// The admin HTTP route every emulator serves: inject and clear faults, read the stats.
//   POST   /__admin/faults  JSON FaultSpec → 204 (400 naming the field when invalid)
//   DELETE /__admin/faults  → 204
//   GET    /__admin/stats   → 200 { requests, streams, audioBytes, faultsApplied }
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { closeServer, listen, readBody, sendJson } from '../http/plumbing.js';
import type { FaultPlan } from './fault-plan.js';
import { FaultSpecError } from './fault-spec.js';
import type { EmulatorStats } from './stats.js';

/** The path prefix the admin route owns. */
export const adminPrefix = '/__admin/';

const maxAdminBodyBytes = 16 * 1024;

/** Serves the admin route when the request is for it; returns false for other paths. */
export function handleAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultPlan,
  stats: EmulatorStats,
): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(adminPrefix)) return false;

  if (path === '/__admin/faults' && req.method === 'POST') {
    void injectFromBody(req, res, faults);
  } else if (path === '/__admin/faults' && req.method === 'DELETE') {
    faults.clear();
    res.writeHead(204).end();
  } else if (path === '/__admin/stats' && req.method === 'GET') {
    sendJson(res, 200, { ...stats.toJSON(), faultsApplied: faults.applied });
  } else {
    sendJson(res, 404, { error: { message: `no admin route ${req.method} ${path}` } });
  }

  return true;
}

async function injectFromBody(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultPlan,
): Promise<void> {
  try {
    const body = await readBody(
      req,
      maxAdminBodyBytes,
      (maxBytes) => new FaultSpecError(`body: larger than ${maxBytes} bytes`),
    );
    faults.inject(JSON.parse(body.toString('utf8')) as never);
    res.writeHead(204).end();
  } catch (error) {
    const message = error instanceof SyntaxError ? `body: not JSON (${error.message})` : null;
    const status = error instanceof FaultSpecError || message ? 400 : 500;
    sendJson(res, status, { error: { message: message ?? (error as Error).message } });
  }
}

/** A small HTTP server that serves only the admin route (for the gRPC emulators). */
export interface AdminServer {
  /** `http://host:port` of the admin server. */
  url: string;
  /** Stops the server; idempotent. */
  close(): Promise<void>;
}

/** Starts an admin-only HTTP server on host:port (port 0: any free port). */
export async function startAdminServer(
  host: string,
  port: number,
  faults: FaultPlan,
  stats: EmulatorStats,
): Promise<AdminServer> {
  const server = createServer((req, res) => {
    if (!handleAdminRequest(req, res, faults, stats)) sendJson(res, 404, { error: 'not found' });
  });
  const boundPort = await listen(server, port, host);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${boundPort}`,
    close: () => (closing ??= closeServer(server)),
  };
}
