// The Google Speech-to-Text v1 emulator: a real gRPC server for google.cloud.speech.v1.Speech
// built from the .proto files that ship with @google-cloud/speech, so the real SpeechClient
// talks to it over an insecure channel.
import { grpc } from 'google-gax';
import type { AppliedFault } from '../faults/fault-plan.js';
import {
  startGrpcEmulator,
  type GrpcEmulator,
  type GrpcEmulatorOptions,
} from '../faults/grpc-emulator.js';
import type { EmulatorStats } from '../faults/stats.js';
import { SpeechMatcher } from '../speech-match/matcher.js';
import { grpcFailure, serveUnary, type UnaryCallback } from '../faults/grpc-failure.js';
import { defaultAudioTimeoutMs, defaultMaxStreamS } from './limits.js';
import { recognize, type RecognizeRequest } from './recognize.js';
import { StreamingSession } from './streaming-session.js';

/** How to start the Google Speech emulator. */
export interface GoogleSpeechEmulatorOptions extends GrpcEmulatorOptions {
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
}

/** A running Google Speech emulator; closing it ends open streams. */
export type GoogleSpeechEmulator = GrpcEmulator;

/** Starts the Google Speech emulator. */
export async function startGoogleSpeechEmulator(
  options: GoogleSpeechEmulatorOptions = {},
): Promise<GoogleSpeechEmulator> {
  const matcher = options.matcher ?? (await SpeechMatcher.load(options.fixturesDir));
  const maxStreamS = options.maxStreamS ?? envSeconds('EMULATOR_GOOGLE_MAX_STREAM_S');
  const service = {
    startedMessage: 'google speech emulator started',
    clientPackage: '@google-cloud/speech',
    protoFile: 'google/cloud/speech/v1/cloud_speech.proto',
    servicePath: 'google.cloud.speech.v1.Speech',
  };

  return startGrpcEmulator(service, options, ({ faults, stats, dropConnectionOf }) => {
    const context = {
      matcher,
      stats,
      maxStreamS: maxStreamS ?? defaultMaxStreamS,
      audioTimeoutMs: options.audioTimeoutMs ?? defaultAudioTimeoutMs,
      endpointingMs: options.endpointingMs ?? 600,
      dropConnectionOf,
    };

    return {
      streamingRecognize: (call: grpc.ServerDuplexStream<object, object>) =>
        new StreamingSession(call, context, faults.take()).start(),
      recognize: (call: grpc.ServerUnaryCall<RecognizeRequest, unknown>, callback: UnaryCallback) =>
        serveRecognize(call, callback, faults.take(), context),
      longRunningRecognize: (_call: unknown, callback: UnaryCallback) =>
        callback(grpcFailure(grpc.status.UNIMPLEMENTED, 'LongRunningRecognize: not emulated')),
    } as grpc.UntypedServiceImplementation;
  });
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
