// The Twilio caller emulator: a bidirectional Media Stream client with a caller-side ear.
export { CallerEar, FRAME_BYTES, FRAME_MS, MU_LAW_SILENCE, type EarTick } from './caller-ear.js';
export {
  heardWav,
  readWavAsMuLaw,
  toMuLaw,
  type CallerAudio,
  type HeardEncoding,
} from './audio-input.js';
export {
  TwilioCaller,
  TwilioCallerError,
  type CallerProtocolError,
  type TimelineEntry,
  type TwilioCallerEvents,
  type TwilioCallerOptions,
} from './caller.js';
export { placeCall, type PlaceCallOptions, type PlacedCall } from './place-call.js';
export { playScript, type PlayedTurn } from './script-player.js';
