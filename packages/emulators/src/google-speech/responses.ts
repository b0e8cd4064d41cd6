// Builds StreamingRecognizeResponse / RecognizeResponse messages from recognition events.
import type { RecognitionEvent } from '../speech-match/utterance-tracker.js';

/** google.protobuf.Duration from ms. */
export interface DurationMessage {
  seconds: number;
  nanos: number;
}

/** The streaming options that decide which events become responses. */
export interface ResponseOptions {
  /** Send interim results (StreamingRecognitionConfig.interim_results). */
  interimResults: boolean;
  /** Send SPEECH_ACTIVITY_BEGIN/END (enable_voice_activity_events). */
  voiceEvents: boolean;
  /** Send END_OF_SINGLE_UTTERANCE at the first utterance end (single_utterance). */
  singleUtterance: boolean;
  /** Language code echoed in results. */
  languageCode: string;
}

/** ms → google.protobuf.Duration. */
export function duration(ms: number): DurationMessage {
  const seconds = Math.floor(ms / 1000);

  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** The streaming response one recognition event becomes, if any. */
export function streamingResponse(
  event: RecognitionEvent,
  options: ResponseOptions,
): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'speech-begin':
      return options.voiceEvents
        ? { speechEventType: 'SPEECH_ACTIVITY_BEGIN', speechEventTime: duration(event.audioMs) }
        : undefined;
    case 'speech-end':
      return speechEnd(event.audioMs, options);
    case 'interim':
      return options.interimResults
        ? result(event.text, 0, false, event.audioMs, options.languageCode, event.stability)
        : undefined;
    case 'final':
      return result(event.text, event.confidence, true, event.audioMs, options.languageCode);
  }
}

function speechEnd(audioMs: number, options: ResponseOptions): Record<string, unknown> | undefined {
  if (options.singleUtterance) return { speechEventType: 'END_OF_SINGLE_UTTERANCE' };
  if (!options.voiceEvents) return undefined;

  return { speechEventType: 'SPEECH_ACTIVITY_END', speechEventTime: duration(audioMs) };
}

function result(
  transcript: string,
  confidence: number,
  isFinal: boolean,
  audioMs: number,
  languageCode: string,
  stability = 0,
): Record<string, unknown> {
  return {
    results: [
      {
        alternatives: [{ transcript, confidence }],
        isFinal,
        stability,
        resultEndTime: duration(audioMs),
        languageCode,
      },
    ],
  };
}
