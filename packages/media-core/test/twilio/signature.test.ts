// The signature: Twilio's published examples, and the URL the media upgrade is signed over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeTwilioSignature,
  streamUrlForSignature,
  verifyTwilioSignature,
} from '../../src/twilio/index.js';

describe('Twilio signature', () => {
  it("matches Twilio's published webhook examples (URL then sorted POST params)", () => {
    // From Twilio's security documentation: token 12345, this URL and these parameters.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = (phone: string) =>
      `CallSidCA1234567890ABCDECaller${phone}Digits1234From${phone}To+18005551212`;

    assert.equal(
      computeTwilioSignature('12345', url + params('+14158675309')),
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    );
    assert.equal(
      computeTwilioSignature('12345', url + params('+14158675310')),
      'GvWf1cFY/Q7PnoempGyD5oXAezc=',
    );
  });

  it('verifies only the exact signature', () => {
    const url = 'wss://voice.example.com/media';
    const good = computeTwilioSignature('token', url);

    assert.equal(verifyTwilioSignature('token', url, good), true);
    assert.equal(verifyTwilioSignature('token', `${url}/`, good), false);
    assert.equal(verifyTwilioSignature('token', url, `${good.slice(0, -2)}x=`), false);
    assert.equal(verifyTwilioSignature('token', url, undefined), false);
    assert.equal(verifyTwilioSignature('token', url, ''), false);
  });

  it('builds the wss:// URL from Host, X-Forwarded-Host or MEDIA_PUBLIC_URL', () => {
    const base = { host: '10.0.0.5:8080', path: '/media', query: '', publicUrl: undefined };

    assert.equal(
      streamUrlForSignature({ ...base, forwardedHost: undefined }),
      'wss://10.0.0.5:8080/media',
    );
    assert.equal(
      streamUrlForSignature({ ...base, forwardedHost: 'voice.example.com, 10.1.1.1' }),
      'wss://voice.example.com/media',
    );
    assert.equal(
      streamUrlForSignature({ ...base, forwardedHost: undefined, query: 'a=1' }),
      'wss://10.0.0.5:8080/media?a=1',
    );
    assert.equal(
      streamUrlForSignature({ ...base, forwardedHost: 'x', publicUrl: 'wss://p.example/m' }),
      'wss://p.example/m',
    );
  });
});
