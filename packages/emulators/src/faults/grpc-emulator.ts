// What every gRPC emulator does at start-up: a fault queue, counters, the host with its
// dropping front and admin route, and a lifecycle log line.
import type { grpc } from 'google-gax';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { FaultPlan } from './fault-plan.js';
import type { EmulatorFaults } from './fault-spec.js';
import { loadGoogleService, startGrpcHost, type GrpcHost } from './grpc-host.js';
import { EmulatorStats } from './stats.js';

/** Where a gRPC emulator listens, and its logger. */
export interface GrpcEmulatorOptions {
  /** gRPC port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /** Admin HTTP port (default 0: any free port). */
  adminPort?: number;
  /** Lifecycle logger (default: silent). */
  logger?: Logger;
}

/** A running gRPC emulator. */
export interface GrpcEmulator {
  /** Host to give the client as apiEndpoint. */
  host: string;
  /** Port to give the client. */
  port: number;
  /** Run-time fault injection. */
  faults: EmulatorFaults;
  /** Base URL of the admin HTTP route. */
  adminUrl: string;
  /** What the emulator has seen. */
  stats: EmulatorStats;
  /** Stops the emulator, ending open calls; idempotent. */
  close(): Promise<void>;
}

/** The service a gRPC emulator serves, as named in its client package's .proto files. */
export interface GrpcEmulatorService {
  /** Static log message once it listens, e.g. `google speech emulator started`. */
  startedMessage: string;
  /** npm package that ships the .proto files. */
  clientPackage: string;
  /** .proto file inside the package's `protos` folder. */
  protoFile: string;
  /** Fully qualified service name. */
  servicePath: string;
}

/** What the handlers of a gRPC emulator get to work with. */
export interface GrpcEmulatorParts {
  /** The fault queue; each call takes the next fault. */
  faults: FaultPlan;
  /** The counters. */
  stats: EmulatorStats;
  /** Destroys the TCP connection a call arrived on (the 'drop' fault). */
  dropConnectionOf(peer: string): void;
}

/** Starts a gRPC emulator serving the handlers `handlersOf` builds. */
export async function startGrpcEmulator(
  service: GrpcEmulatorService,
  options: GrpcEmulatorOptions,
  handlersOf: (parts: GrpcEmulatorParts) => grpc.UntypedServiceImplementation,
): Promise<GrpcEmulator> {
  const faults = new FaultPlan();
  const stats = new EmulatorStats();
  const log = options.logger ?? pino({ level: 'silent' });

  // Why a closure over `host`: drops happen only once calls arrive, after it is assigned.
  const parts = { faults, stats, dropConnectionOf: (peer: string) => host.dropConnectionOf(peer) };
  const host: GrpcHost = await startGrpcHost({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    adminPort: options.adminPort ?? 0,
    faults,
    stats,
    services: [
      {
        definition: loadGoogleService(
          service.clientPackage,
          service.protoFile,
          service.servicePath,
        ),
        handlers: handlersOf(parts),
      },
    ],
  });

  log.info({ port: host.port, adminUrl: host.adminUrl }, service.startedMessage);
  return {
    host: host.host,
    port: host.port,
    faults,
    adminUrl: host.adminUrl,
    stats,
    close: host.close,
  };
}
