export * from './script/conversation-script.js';
export * from './faults/fault-spec.js';
export { EmulatorStats } from './faults/stats.js';
export * from './google-speech/server.js';
export * from './google-tts/server.js';
export { speechDurationMs, msPerCharacter } from './google-tts/speech-signal.js';
export * from './sarvam/server.js';
export { SpeechMatcher, type SpeechMatch } from './speech-match/matcher.js';
export { UtteranceTracker, type RecognitionEvent } from './speech-match/utterance-tracker.js';
export { decodeWav, encodeWav, type PcmAudio } from './speech-match/wav.js';
export * from './twilio-caller/index.js';
export * from './twilio-rest/index.js';
export * from './notify/index.js';
export * from './openai/server.js';
export * from './stack/index.js';
// The speech harness the failover tests and bench share (FRAME_MS and RATE stay internal:
// twilio-caller already exports a FRAME_MS).
export {
  buildCall,
  callAudio,
  feedCall,
  startSpeechBed,
  strikesAtOpen,
  words,
  FAILOVER_LEADERS,
  FAILURE_KINDS,
  type CallAudio,
  type FailoverLeader,
  type FailureKind,
  type FeedOptions,
  type SpeechBed,
} from './testing/speech-harness.js';
