// X-Twilio-Signature on the WebSocket upgrade of a media stream.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What of the upgrade request the signature covers. */
export interface SignatureRequest {
  /** `Host` header. */
  host: string | undefined;
  /** `X-Forwarded-Host` header, set by the ingress that ended TLS. */
  forwardedHost: string | undefined;
  /** Request path, from the leading slash. */
  path: string;
  /** Raw query string without `?`, empty when none. */
  query: string;
  /** `MEDIA_PUBLIC_URL`: when set, the whole URL Twilio dialled, used as is. */
  publicUrl: string | undefined;
}

/**
 * The URL Twilio signed: the `wss://` URL it dialled (signing `https://` instead is the common
 * bug). Behind an ingress the host Twilio saw is in X-Forwarded-Host (first entry when a chain
 * of proxies appended theirs); `MEDIA_PUBLIC_URL` overrides everything.
 */
export function streamUrlForSignature(request: SignatureRequest): string {
  if (request.publicUrl !== undefined && request.publicUrl !== '') return request.publicUrl;

  const forwarded = request.forwardedHost?.split(',')[0]?.trim();
  const host = forwarded !== undefined && forwarded !== '' ? forwarded : (request.host ?? '');
  const query = request.query === '' ? '' : `?${request.query}`;

  return `wss://${host}${request.path}${query}`;
}

/**
 * base64(HMAC-SHA1(auth token, URL)). A webhook appends its sorted POST parameters; the
 * upgrade of a media stream has none, so the URL alone is signed.
 */
export function computeTwilioSignature(authToken: string, url: string): string {
  return createHmac('sha1', authToken).update(url, 'utf8').digest('base64');
}

/** True when `signature` is the one Twilio would send for `url`; compared in constant time. */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  signature: string | undefined,
): boolean {
  const expected = Buffer.from(computeTwilioSignature(authToken, url), 'utf8');
  const given = Buffer.from(signature ?? '', 'utf8');

  // timingSafeEqual needs equal lengths; a length mismatch reveals only the length, which is
  // public (an HMAC-SHA1 in base64 is always 28 characters).
  if (given.length !== expected.length) return false;

  return timingSafeEqual(given, expected);
}
