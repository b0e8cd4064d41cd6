// The unary Recognize call: the whole audio in one request, every utterance's final in one
// response. Cheap to serve, so clients use it as a health probe.
import { grpc } from 'google-gax';
import type { SpeechMatcher } from '../speech-match/matcher.js';
import { UtteranceTracker } from '../speech-match/utterance-tracker.js';
import { grpcFailure, type GrpcFailure } from '../faults/grpc-failure.js';
import { maxSyncAudioS } from './limits.js';
import {
  AudioDecoder,
  checkRecognitionConfig,
  type RecognitionConfigMessage,
} from './recognition-config.js';
import { duration } from './responses.js';

/** The fields of RecognizeRequest the emulator reads. */
export interface RecognizeRequest {
  config?: RecognitionConfigMessage;
  audio?: { content?: Buffer; uri?: string };
}

/** Recognizes a whole request; returns the RecognizeResponse or the failure to answer. */
export function recognize(
  request: RecognizeRequest,
  matcher: SpeechMatcher,
  endpointingMs: number,
): Record<string, unknown> | GrpcFailure {
  const format = checkRecognitionConfig(request.config);
  if ('code' in format) return format;

  if (request.audio?.uri) {
    return grpcFailure(grpc.status.INVALID_ARGUMENT, 'audio.uri: not supported by the emulator');
  }

  const samples = new AudioDecoder(format.encoding).decode(
    request.audio?.content ?? Buffer.alloc(0),
  );
  const audioS = samples.length / format.sampleRate;
  // Fact enforced: synchronous recognition takes at most about one minute of audio.
  if (audioS > maxSyncAudioS) {
    return grpcFailure(
      grpc.status.INVALID_ARGUMENT,
      "Sync input too long. For audio longer than 1 min use LongRunningRecognize with a 'uri' parameter.",
    );
  }

  const tracker = new UtteranceTracker(matcher, format.sampleRate, { endpointingMs });
  const events = [...tracker.push(samples), ...tracker.finish()];
  const results = events.flatMap((event) =>
    event.type === 'final' && event.text !== ''
      ? [
          {
            alternatives: [{ transcript: event.text, confidence: event.confidence }],
            resultEndTime: duration(event.audioMs),
            languageCode: format.languageCode,
          },
        ]
      : [],
  );

  return { results, totalBilledTime: duration(Math.ceil(audioS) * 1000) };
}
