// Decoding of the base64 μ-law payload of a `media` message.
import { FRAME_BYTES } from './messages.js';

/** Base64 alphabet of RFC 4648 §4 with at most two `=` pads; Twilio's payload uses it. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Char code of `=`, the base64 pad. */
const PAD = 61;

/** Why a payload was refused. */
export interface PayloadFailure {
  /** Always false: tells a failure from a decoded frame. */
  ok: false;
  /** `media_protocol_errors_total` kind. */
  kind: 'bad_base64' | 'bad_payload_length';
  /** Which field broke which rule. */
  detail: string;
}

const BAD_BASE64: PayloadFailure = Object.freeze({
  ok: false,
  kind: 'bad_base64',
  detail: 'media.payload must be padded base64',
});

const BAD_LENGTH: PayloadFailure = Object.freeze({
  ok: false,
  kind: 'bad_payload_length',
  detail: `media.payload must decode to ${FRAME_BYTES} bytes (20 ms of 8 kHz μ-law)`,
});

/**
 * Decodes a base64 μ-law frame. Buffer's decoder silently skips characters outside the
 * alphabet, so the alphabet and the padding are checked first; then the length must be one
 * 20 ms frame, the size Twilio sends inbound. With `into` (a FRAME_BYTES Buffer) the frame is
 * written there and `into` returned, so the per-frame path allocates no Buffer.
 */
// Limit: only whole single frames are accepted; a Twilio-compatible peer that batches several
// frames per message would have every message refused as bad_payload_length.
export function decodePayload(text: string, into?: Buffer): Uint8Array | PayloadFailure {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return BAD_BASE64;

  return decodeChecked(text, into);
}

/**
 * decodePayload for text whose characters are already known to be in the base64 alphabet or
 * `=` (the media fast path's pattern checks that): only the padding rule is left to check.
 */
export function decodeAlphabetPayload(text: string, into?: Buffer): Uint8Array | PayloadFailure {
  const length = text.length;
  if (length % 4 !== 0) return BAD_BASE64;

  // Pads may only be the last one or two characters.
  const firstPad = text.indexOf('=');
  if (firstPad !== -1 && (firstPad < length - 2 || text.charCodeAt(length - 1) !== PAD)) {
    return BAD_BASE64;
  }

  return decodeChecked(text, into);
}

/** Decodes padded base64 in the alphabet; the length is known from the text before decoding. */
function decodeChecked(text: string, into: Buffer | undefined): Uint8Array | PayloadFailure {
  const length = text.length;
  let pads = 0;
  if (length > 0 && text.charCodeAt(length - 1) === PAD) pads++;
  if (length > 1 && text.charCodeAt(length - 2) === PAD) pads++;
  if ((length / 4) * 3 - pads !== FRAME_BYTES) return BAD_LENGTH;

  if (into === undefined) return Buffer.from(text, 'base64');

  into.write(text, 0, FRAME_BYTES, 'base64');
  return into;
}
