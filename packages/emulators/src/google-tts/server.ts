// The Google Text-to-Speech v1 emulator: a real gRPC server for
// google.cloud.texttospeech.v1.TextToSpeech built from the .proto files that ship with
// @google-cloud/text-to-speech, so the real TextToSpeechClient talks to it.
import { grpc } from 'google-gax';
import { grpcFailure, serveUnary, type UnaryCallback } from '../faults/grpc-failure.js';
import {
  startGrpcEmulator,
  type GrpcEmulator,
  type GrpcEmulatorOptions,
} from '../faults/grpc-emulator.js';
import { synthesize, type SynthesizeRequest } from './synthesize.js';
import { voicesFor } from './voices.js';

/** How to start the Google TTS emulator. */
export interface GoogleTtsEmulatorOptions extends GrpcEmulatorOptions {
  /** Accepted for symmetry with the recognizers; the synthesizer needs no fixtures. */
  fixturesDir?: string;
}

/** A running Google TTS emulator. */
export type GoogleTtsEmulator = GrpcEmulator;

/** Starts the Google TTS emulator. */
export async function startGoogleTtsEmulator(
  options: GoogleTtsEmulatorOptions = {},
): Promise<GoogleTtsEmulator> {
  const service = {
    startedMessage: 'google tts emulator started',
    clientPackage: '@google-cloud/text-to-speech',
    protoFile: 'google/cloud/texttospeech/v1/cloud_tts.proto',
    servicePath: 'google.cloud.texttospeech.v1.TextToSpeech',
  };

  return startGrpcEmulator(service, options, ({ faults, stats, dropConnectionOf }) => {
    const unary =
      <Req>(answer: (request: Req) => unknown) =>
      (call: grpc.ServerUnaryCall<Req, unknown>, callback: UnaryCallback): void => {
        stats.requests += 1;
        serveUnary(call, callback, faults.take(), dropConnectionOf, () => answer(call.request));
      };

    return {
      synthesizeSpeech: unary((request: SynthesizeRequest) => synthesize(request)),
      listVoices: unary((request: { languageCode?: string }) => ({
        voices: voicesFor(request.languageCode),
      })),
      streamingSynthesize: (call: grpc.ServerDuplexStream<object, object>) =>
        call.emit(
          'error',
          grpcFailure(grpc.status.UNIMPLEMENTED, 'StreamingSynthesize: not emulated'),
        ),
    } as grpc.UntypedServiceImplementation;
  });
}
