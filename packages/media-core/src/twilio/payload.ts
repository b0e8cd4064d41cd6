// Decoding of the base64 μ-law payload of a `media` message.
import { FRAME_BYTES } from './messages.js';

/** Base64 alphabet of RFC 4648 §4 with at most two `=` pads; Twilio's payload uses it. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a payload was refused. */
export interface PayloadFailure {
  /** Always false: tells a failure from a decoded frame. */
  ok: false;
  /** `media_protocol_errors_total` kind. */
  kind: 'bad_base64' | 'bad_payload_length';
  /** Which field broke which rule. */
  detail: string;
}

/**
 * Decodes a base64 μ-law frame. Buffer's decoder silently skips characters outside the
 * alphabet, so the alphabet and the padding are checked first; then the length must be one
 * 20 ms frame, the size Twilio sends inbound.
 */
// Limit: only whole single frames are accepted; a Twilio-compatible peer that batches several
// frames per message would have every message refused as bad_payload_length.
export function decodePayload(text: string): Uint8Array | PayloadFailure {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    return { ok: false, kind: 'bad_base64', detail: 'media.payload must be padded base64' };
  }

  const payload = Buffer.from(text, 'base64');
  if (payload.length !== FRAME_BYTES) {
    const detail = `media.payload must decode to ${FRAME_BYTES} bytes (20 ms of 8 kHz μ-law)`;

    return { ok: false, kind: 'bad_payload_length', detail };
  }

  return payload;
}
