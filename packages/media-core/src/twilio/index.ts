// The Twilio Media Streams protocol: message types, parser, builders, upgrade signature.
export * from './messages.js';
export { parseTwilioMessage } from './parse.js';
export { decodePayload, type PayloadFailure } from './payload.js';
export { buildClearMessage, buildMarkMessage, buildMediaMessage } from './build.js';
export {
  computeTwilioSignature,
  streamUrlForSignature,
  verifyTwilioSignature,
  type SignatureRequest,
} from './signature.js';
