// Twilio webhook signatures: X-Twilio-Signature = base64(HMAC-SHA1(auth token, full URL +
// every POST parameter sorted by name, each written as name immediately followed by value)).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as parsed; repeated names carry several values. */
export type FormParams = Record<string, string | string[] | undefined>;

/** Computes the signature Twilio would send for `url` and `params`. */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const names = Object.keys(params).sort();
  let data = url;
  for (const name of names) {
    const value = params[name];
    // Repeated parameters are signed once per value, values in sorted order.
    const values = Array.isArray(value) ? [...value].sort() : value === undefined ? [] : [value];
    for (const item of values) data += name + item;
  }

  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** True when `signature` matches; compared in constant time so timing leaks nothing. */
export function validTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;

  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);

  return expected.length === given.length && timingSafeEqual(expected, given);
}
