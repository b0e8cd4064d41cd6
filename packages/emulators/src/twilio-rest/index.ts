// The Twilio REST emulator (Calls API) and the signature helpers its users need.
export { startTwilioRestEmulator } from './server.js';
export { computeTwilioSignature, isValidTwilioSignature } from './signature.js';
export { parseTwiml, TwimlParseError, type TwimlElement } from './twiml.js';
export type {
  CallAction,
  CallOutcome,
  EmulatedCall,
  StatusCallbackRecord,
  StreamRequest,
  TwilioRestEmulator,
  TwilioRestEmulatorOptions,
} from './types.js';
