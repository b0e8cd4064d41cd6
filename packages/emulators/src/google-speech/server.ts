// The Google Speech-to-Text v1 emulator: a real gRPC server for google.cloud.speech.v1.Speech
// built from the .proto files that ship with @google-cloud/speech, so the real SpeechClient
// talks to it over an insecure channel.
import { grpc } from 'google-gax';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { FaultPlan, type AppliedFault } from '../faults/fault-plan.js';
import type { EmulatorFaults } from '../faults/fault-spec.js';
import { loadGoogleService, startGrpcHost, type GrpcHost } from '../faults/grpc-host.js';
import { EmulatorStats } from '../faults/stats.js';
import { SpeechMatcher } from '../speech-match/matcher.js';
import { grpcFailure, serveUnary, type UnaryCallback } from '../faults/grpc-failure.js';
import { defaultAudioTimeoutMs, defaultMaxStreamS } from './limits.js';
import { recognize, type RecognizeRequest } from './recognize.js';
import { StreamingSession } from './streaming-session.js';

/** How to start the Google Speech emulator. */
export interface GoogleSpeechEmulatorOptions {
  /** gRPC port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /** Admin HTTP port (default 0: any free port). */
  adminPort?: number;
  /** Fixture folder holding manifest.json (default: the repository's fixtures/audio). */
  fixturesDir?: string;
  /** A matcher already loaded (shared between emulators); overrides fixturesDir. */
  matcher?: SpeechMatcher;
  /** Stream duration limit in s of audio (default env EMULATOR_GOOGLE_MAX_STREAM_S, else 305). */
  maxStreamS?: number;
  /** Audio timeout in ms of wall time (default 10000). */
  audioTimeoutMs?: number;
  /** Silence that ends an utterance, in ms of audio (default 600). */
  endpointingMs?: number;
  /** Lifecycle logger (default: silent). */
  logger?: Logger;
}

/** A running Google Speech emulator. */
export interface GoogleSpeechEmulator {
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
  /** Stops the emulator, ending open streams; idempotent. */
  close(): Promise<void>;
}

/** Starts the Google Speech emulator. */
export async function startGoogleSpeechEmulator(
  options: GoogleSpeechEmulatorOptions = {},
): Promise<GoogleSpeechEmulator> {
  const matcher = options.matcher ?? (await SpeechMatcher.load(options.fixturesDir));
  const faults = new FaultPlan();
  const stats = new EmulatorStats();
  const log = options.logger ?? pino({ level: 'silent' });
  const endpointingMs = options.endpointingMs ?? 600;
  const maxStreamS = options.maxStreamS ?? envSeconds('EMULATOR_GOOGLE_MAX_STREAM_S');

  const context = {
    matcher,
    stats,
    maxStreamS: maxStreamS ?? defaultMaxStreamS,
    audioTimeoutMs: options.audioTimeoutMs ?? defaultAudioTimeoutMs,
    endpointingMs,
    dropConnectionOf: (peer: string) => host.dropConnectionOf(peer),
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
          '@google-cloud/speech',
          'google/cloud/speech/v1/cloud_speech.proto',
          'google.cloud.speech.v1.Speech',
        ),
        handlers: {
          streamingRecognize: (call: grpc.ServerDuplexStream<object, object>) =>
            new StreamingSession(call, context, faults.take()).start(),
          recognize: (
            call: grpc.ServerUnaryCall<RecognizeRequest, unknown>,
            callback: UnaryCallback,
          ) => serveRecognize(call, callback, faults.take(), context),
          longRunningRecognize: (_call: unknown, callback: UnaryCallback) =>
            callback(grpcFailure(grpc.status.UNIMPLEMENTED, 'LongRunningRecognize: not emulated')),
        } as grpc.UntypedServiceImplementation,
      },
    ],
  });

  log.info({ port: host.port, adminUrl: host.adminUrl }, 'google speech emulator started');
  return {
    host: host.host,
    port: host.port,
    faults,
    adminUrl: host.adminUrl,
    stats,
    close: host.close,
  };
}

interface RecognizeContext {
  matcher: SpeechMatcher;
  stats: EmulatorStats;
  endpointingMs: number;
  dropConnectionOf(peer: string): void;
}

function serveRecognize(
  call: grpc.ServerUnaryCall<RecognizeRequest, unknown>,
  callback: UnaryCallback,
  fault: AppliedFault | undefined,
  context: RecognizeContext,
): void {
  context.stats.requests += 1;
  context.stats.audioBytes += call.request.audio?.content?.length ?? 0;

  serveUnary(call, callback, fault, context.dropConnectionOf, () =>
    recognize(call.request, context.matcher, context.endpointingMs),
  );
}

function envSeconds(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;

  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`${name}: must be a positive number of seconds, got "${text}"`);
  }

  return seconds;
}
