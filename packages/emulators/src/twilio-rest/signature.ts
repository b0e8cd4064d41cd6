// The request signature Twilio puts on every webhook it sends.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Twilio-Signature for a webhook: base64(HMAC-SHA1(authToken, url + each POST parameter sorted
 * by name, written as name immediately followed by value)). For a GET webhook the parameters
 * travel in `url` and `params` is empty.
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  const names = Object.keys(params).sort();
  const signed = url + names.map((name) => name + params[name]).join('');

  return createHmac('sha1', authToken).update(signed, 'utf8').digest('base64');
}

/**
 * True when `signature` is the one Twilio would put on this request (compared in constant time).
 */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string,
): boolean {
  const expected = Buffer.from(computeTwilioSignature(authToken, url, params));
  const received = Buffer.from(signature);

  return expected.length === received.length && timingSafeEqual(expected, received);
}
