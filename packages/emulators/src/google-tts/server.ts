// The Google Text-to-Speech v1 emulator: a real gRPC server for
// google.cloud.texttospeech.v1.TextToSpeech built from the .proto files that ship with
// @google-cloud/text-to-speech, so the real TextToSpeechClient talks to it.
import { grpc } from 'google-gax';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { FaultPlan } from '../faults/fault-plan.js';
import type { EmulatorFaults } from '../faults/fault-spec.js';
import { grpcFailure, serveUnary, type UnaryCallback } from '../faults/grpc-failure.js';
import { loadGoogleService, startGrpcHost, type GrpcHost } from '../faults/grpc-host.js';
import { EmulatorStats } from '../faults/stats.js';
import { synthesize, type SynthesizeRequest } from './synthesize.js';
import { voicesFor } from './voices.js';

/** How to start the Google TTS emulator. */
export interface GoogleTtsEmulatorOptions {
  /** gRPC port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /** Admin HTTP port (default 0: any free port). */
  adminPort?: number;
  /** Accepted for symmetry with the recognizers; the synthesizer needs no fixtures. */
  fixturesDir?: string;
  /** Lifecycle logger (default: silent). */
  logger?: Logger;
}

/** A running Google TTS emulator. */
export interface GoogleTtsEmulator {
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
  /** Stops the emulator; idempotent. */
  close(): Promise<void>;
}

/** Starts the Google TTS emulator. */
export async function startGoogleTtsEmulator(
  options: GoogleTtsEmulatorOptions = {},
): Promise<GoogleTtsEmulator> {
  const faults = new FaultPlan();
  const stats = new EmulatorStats();
  const log = options.logger ?? pino({ level: 'silent' });
  const drop = (peer: string): void => host.dropConnectionOf(peer);

  const unary =
    <Req>(answer: (request: Req) => unknown) =>
    (call: grpc.ServerUnaryCall<Req, unknown>, callback: UnaryCallback): void => {
      stats.requests += 1;
      serveUnary(call, callback, faults.take(), drop, () => answer(call.request));
    };

  // Why a closure over `host`: drops happen only once calls arrive, after it is assigned.
  const host: GrpcHost = await startGrpcHost({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    adminPort: options.adminPort ?? 0,
    faults,
    stats,
    services: [
      {
        definition: loadGoogleService(
          '@google-cloud/text-to-speech',
          'google/cloud/texttospeech/v1/cloud_tts.proto',
          'google.cloud.texttospeech.v1.TextToSpeech',
        ),
        handlers: {
          synthesizeSpeech: unary((request: SynthesizeRequest) => synthesize(request)),
          listVoices: unary((request: { languageCode?: string }) => ({
            voices: voicesFor(request.languageCode),
          })),
          streamingSynthesize: (call: grpc.ServerDuplexStream<object, object>) =>
            call.emit(
              'error',
              grpcFailure(grpc.status.UNIMPLEMENTED, 'StreamingSynthesize: not emulated'),
            ),
        } as grpc.UntypedServiceImplementation,
      },
    ],
  });

  log.info({ port: host.port, adminUrl: host.adminUrl }, 'google tts emulator started');
  return {
    host: host.host,
    port: host.port,
    faults,
    adminUrl: host.adminUrl,
    stats,
    close: host.close,
  };
}
