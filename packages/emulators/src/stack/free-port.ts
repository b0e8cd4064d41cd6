// Free TCP ports on the loopback interface, for services that must know each other's ports
// before any of them starts.
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:net';

/**
 * Ports are drawn below Linux's ephemeral range (32768-60999): a port the OS hands out for
 * `listen(0)` (the emulators' admin routes, outgoing sockets) can then never be one that
 * was planned here and released a moment before the service that owns it starts.
 */
const FIRST_PORT = 20_000;
const LAST_PORT = 32_767;

/** Candidates tried per port asked for before giving up. */
const ATTEMPTS_PER_PORT = 20;

/**
 * `count` distinct ports that were free a moment ago on 127.0.0.1. Why not port 0 in each
 * service: the services are separate processes that need each other's URLs in their
 * environment at start. All are held open together, so no two answers are the same port.
 * Limit: another process can take a port between this check and the service's listen; the
 * service then fails to start and the stack reports it, rather than retrying.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];

  try {
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt >= count * ATTEMPTS_PER_PORT) throw new Error('no free port found');

      const port = randomInt(FIRST_PORT, LAST_PORT + 1);
      const server = ports.includes(port) ? undefined : await tryListen(port);
      if (server === undefined) continue;

      held.push(server);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((done) => server.close(done))));
  }

  return ports;
}

function tryListen(port: number): Promise<Server | undefined> {
  const server = createServer();

  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
