// The limits Google Speech-to-Text v1 enforces on streaming recognition, and the errors it
// answers when they are broken (codes and messages as the real service sends them).
import { grpc } from 'google-gax';
import { grpcFailure, type GrpcFailure } from '../faults/grpc-failure.js';

/** Most audio bytes one StreamingRecognizeRequest may carry (Google: 25 KB, 25,600 bytes). */
export const maxAudioBytesPerRequest = 25_600;

/** Default stream duration limit in seconds ("about 5 minutes": 305 s of audio). */
export const defaultMaxStreamS = 305;

/** Default audio timeout: a stream that gets no audio for this long fails, in ms. */
export const defaultAudioTimeoutMs = 10_000;

/** Most audio a unary Recognize takes, in seconds (longer needs LongRunningRecognize). */
export const maxSyncAudioS = 60;

/** The stream outlived the duration limit (fact: Google fails such streams with OUT_OF_RANGE). */
export function streamTooLong(maxStreamS: number): GrpcFailure {
  return grpcFailure(
    grpc.status.OUT_OF_RANGE,
    `Exceeded maximum allowed stream duration of ${maxStreamS} seconds.`,
  );
}

/** No audio arrived for too long (fact: Google fails such streams with OUT_OF_RANGE). */
export function audioTimeout(): GrpcFailure {
  return grpcFailure(
    grpc.status.OUT_OF_RANGE,
    'Audio Timeout Error: Long duration elapsed without audio. Audio should be sent close to real time.',
  );
}
