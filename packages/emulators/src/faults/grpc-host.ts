// Hosts a gRPC emulator behind a TCP front that can drop connections on demand, next to its
// admin HTTP server.
//
// Why a TCP front: a 'drop' fault must look like a real network failure (the client sees its
// connection reset), and grpc-js offers no public way to destroy one call's connection. The
// front pipes each client connection to the gRPC server on a private port and remembers the
// pair, so a call (identified by its peer address) can have its connection destroyed.
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { grpc } from 'google-gax';
import protoLoader from '@grpc/proto-loader';
import { startAdminServer, type AdminServer } from './admin-route.js';
import type { FaultPlan } from './fault-plan.js';
import type { EmulatorStats } from './stats.js';

const require = createRequire(import.meta.url);

/** Loads a service definition from the .proto files that ship with a Google client package. */
export function loadGoogleService(
  clientPackage: string,
  protoFile: string,
  servicePath: string,
): grpc.ServiceDefinition {
  const protosOf = (name: string): string =>
    join(dirname(dirname(require.resolve(name))), 'protos');
  const definition = protoLoader.loadSync(protoFile, {
    includeDirs: [protosOf(clientPackage), protosOf('google-gax')],
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });

  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const part of servicePath.split('.')) node = (node as Record<string, unknown>)[part];

  return (node as { service: grpc.ServiceDefinition }).service;
}

/** Where to listen and what to serve. */
export interface GrpcHostOptions {
  /** Interface to listen on. */
  host: string;
  /** Public gRPC port (0: any free port). */
  port: number;
  /** Admin HTTP port (0: any free port). */
  adminPort: number;
  /** The services and their handlers. */
  services: { definition: grpc.ServiceDefinition; handlers: grpc.UntypedServiceImplementation }[];
  /** The emulator's fault queue (served on the admin route). */
  faults: FaultPlan;
  /** The emulator's counters (served on the admin route). */
  stats: EmulatorStats;
}

/** A running gRPC emulator host. */
export interface GrpcHost {
  /** Host the clients connect to. */
  host: string;
  /** Port the clients connect to. */
  port: number;
  /** Base URL of the admin HTTP server. */
  adminUrl: string;
  /** Destroys the TCP connection a call arrived on (the 'drop' fault). */
  dropConnectionOf(peer: string): void;
  /** Stops everything; idempotent. */
  close(): Promise<void>;
}

/** Starts the gRPC server, its dropping front and its admin server. */
export async function startGrpcHost(options: GrpcHostOptions): Promise<GrpcHost> {
  const server = new grpc.Server();
  for (const service of options.services) server.addService(service.definition, service.handlers);
  const innerPort = await bindInsecure(server);

  const front = await startFront(options.host, options.port, innerPort);
  const admin = await startAdminServer(
    options.host,
    options.adminPort,
    options.faults,
    options.stats,
  );

  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port: front.port,
    adminUrl: admin.url,
    dropConnectionOf: (peer) => front.drop(peer),
    close: () => (closing ??= closeAll(server, front, admin)),
  };
}

async function closeAll(server: grpc.Server, front: Front, admin: AdminServer): Promise<void> {
  // Why forceShutdown: stalled calls never end by themselves, and a graceful shutdown would
  // wait for them forever.
  server.forceShutdown();
  await Promise.all([front.close(), admin.close()]);
}

function bindInsecure(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    );
  });
}

interface Front {
  port: number;
  drop(peer: string): void;
  close(): Promise<void>;
}

async function startFront(host: string, port: number, innerPort: number): Promise<Front> {
  // Keyed by the local port of the front's connection to the gRPC server: that is the peer
  // port the gRPC server reports for a call.
  const pairs = new Map<number, { client: Socket; inner: Socket }>();
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    const inner = connect(innerPort, '127.0.0.1');
    sockets.add(client).add(inner);
    inner.once('connect', () => pairs.set(inner.localPort ?? -1, { client, inner }));

    const forget = (): void => {
      pairs.delete(inner.localPort ?? -1);
      sockets.delete(client);
      sockets.delete(inner);
      client.destroy();
      inner.destroy();
    };
    client.on('error', forget).on('close', forget);
    inner.on('error', forget).on('close', forget);
    client.pipe(inner);
    inner.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    drop: (peer) => {
      const pair = pairs.get(Number(peer.slice(peer.lastIndexOf(':') + 1)));
      pair?.client.resetAndDestroy();
      pair?.inner.destroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
