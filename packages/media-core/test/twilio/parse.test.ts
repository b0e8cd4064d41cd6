// The parser against Twilio's message shapes: every event, both the fast and the full path,
// and the refusals, each with the kind it is counted under.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildClearMessage,
  buildMarkMessage,
  buildMediaMessage,
  parseTwilioMessage,
  type TwilioInboundEvent,
} from '../../src/twilio/index.js';

const frame = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 7) & 0xff));
const payload = frame.toString('base64');
const sid = 'MZ11112222333344445555666677778888';

function parsed(text: string): TwilioInboundEvent {
  const result = parseTwilioMessage(text);
  assert.ok(result.ok, `refused: ${result.ok ? '' : result.detail}`);

  return result.event;
}

function refusal(text: string): string {
  const result = parseTwilioMessage(text);
  assert.ok(!result.ok, 'accepted');

  return result.kind;
}

describe('parseTwilioMessage', () => {
  it('reads connected and start, with custom parameters and media format', () => {
    assert.deepEqual(parsed('{"event":"connected","protocol":"Call","version":"1.0.0"}'), {
      event: 'connected',
      protocol: 'Call',
      version: '1.0.0',
    });

    const start = parsed(
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        start: {
          streamSid: sid,
          accountSid: 'AC1',
          callSid: 'CA1',
          tracks: ['inbound'],
          customParameters: { callId: 'c-1', leadId: 'l-1', language: 'ta-IN' },
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
        streamSid: sid,
      }),
    );
    assert.equal(start.event, 'start');
    assert.equal(start.event === 'start' && start.customParameters.language, 'ta-IN');
    assert.equal(start.event === 'start' && start.sequenceNumber, 1);
  });

  it('reads media the same through the fast path and the full parse', () => {
    const media = `"media":{"track":"inbound","chunk":"42","timestamp":"820","payload":"${payload}"}`;
    const canonical = `{"event":"media","sequenceNumber":"43",${media},"streamSid":"${sid}"}`;
    const reordered = `{ "streamSid": "${sid}", "event": "media", "sequenceNumber": "43", ${media} }`;

    const fast = parsed(canonical);
    const full = parsed(reordered);

    assert.deepEqual(fast, full);
    assert.ok(fast.event === 'media');
    assert.equal(fast.chunk, 42);
    assert.equal(fast.timestampMs, 820);
    assert.deepEqual(Buffer.from(fast.payload), frame);
  });

  it('reads dtmf, mark and stop', () => {
    const dtmf = parsed(
      `{"event":"dtmf","sequenceNumber":"5","streamSid":"${sid}","dtmf":{"track":"inbound_track","digit":"#"}}`,
    );
    const mark = parsed(
      `{"event":"mark","sequenceNumber":"6","streamSid":"${sid}","mark":{"name":"chunk-3"}}`,
    );
    const stop = parsed(
      `{"event":"stop","sequenceNumber":"7","streamSid":"${sid}","stop":{"accountSid":"AC1","callSid":"CA1"}}`,
    );

    assert.equal(dtmf.event === 'dtmf' && dtmf.digit, '#');
    assert.equal(mark.event === 'mark' && mark.name, 'chunk-3');
    assert.equal(stop.event === 'stop' && stop.callSid, 'CA1');
  });

  it('refuses bad input with the kind it is counted under', () => {
    const media = (fields: string, body = payload) =>
      `{"event":"media","sequenceNumber":"2","streamSid":"${sid}","media":{${fields}"payload":"${body}"}}`;
    const okFields = '"track":"inbound","chunk":"1","timestamp":"0",';

    assert.equal(refusal('{"event":"media"'), 'malformed_json');
    assert.equal(refusal('"just a string"'), 'invalid_field');
    assert.equal(refusal('{"event":"ringing"}'), 'unknown_event');
    assert.equal(refusal('{"event":7}'), 'invalid_field');
    assert.equal(refusal(media('"track":"inbound","chunk":1,"timestamp":"0",')), 'invalid_field');
    assert.equal(
      refusal(media('"track":"inbound","chunk":"1","timestamp":"-5",')),
      'invalid_field',
    );
    assert.equal(refusal(media(okFields, 'ab$d')), 'bad_base64');
    assert.equal(refusal(media(okFields, 'abc')), 'bad_base64');
    assert.equal(
      refusal(media(okFields, Buffer.alloc(320).toString('base64'))),
      'bad_payload_length',
    );
    assert.equal(
      refusal(`{"event":"mark","sequenceNumber":"6","streamSid":"${sid}","mark":{"name":""}}`),
      'invalid_field',
    );
    assert.equal(
      refusal(`{"event":"dtmf","sequenceNumber":"6","streamSid":"${sid}","dtmf":{"digit":"12"}}`),
      'invalid_field',
    );
  });

  it('refuses a fast-path match whose payload is bad, with the payload kind', () => {
    const text = `{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"AAAA"},"streamSid":"${sid}"}`;

    assert.equal(refusal(text), 'bad_payload_length');
  });

  it('holds the fast path to base64 padding: pads only at the end, at most two', () => {
    const fastMedia = (body: string) =>
      `{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"${body}"},"streamSid":"${sid}"}`;
    const padded = payload; // 160 bytes: 216 characters ending in `==`
    assert.ok(padded.endsWith('=='));

    assert.equal(refusal(fastMedia(`=${padded.slice(1)}`)), 'bad_base64');
    assert.equal(refusal(fastMedia(`${padded.slice(0, -2)}=A`)), 'bad_base64');
    assert.equal(refusal(fastMedia(`${padded.slice(0, -3)}===`)), 'bad_base64');
    assert.equal(refusal(fastMedia(padded.slice(0, -1))), 'bad_base64');
    assert.equal(refusal(fastMedia(`${padded.slice(0, -2)}AA`)), 'bad_payload_length');
  });

  it('decodes into the buffer it is given, through either path, and only when valid', () => {
    const media = `"media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"${payload}"}`;
    const canonical = `{"event":"media","sequenceNumber":"2",${media},"streamSid":"${sid}"}`;
    const reordered = `{"streamSid":"${sid}","event":"media","sequenceNumber":"2",${media}}`;
    const into = Buffer.alloc(160);

    for (const text of [canonical, reordered]) {
      into.fill(0);
      const result = parseTwilioMessage(text, into);
      assert.ok(result.ok && result.event.event === 'media');
      assert.equal(result.event.payload, into);
      assert.deepEqual(into, frame);
    }

    into.fill(0);
    const bad = parseTwilioMessage(canonical.replace(payload, 'AAAA'), into);
    assert.ok(!bad.ok);
    assert.deepEqual(into, Buffer.alloc(160));
  });

  it('refuses a start whose audio is not 8 kHz mono μ-law', () => {
    const start = (mediaFormat: unknown) =>
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        streamSid: sid,
        start: { streamSid: sid, accountSid: 'A', callSid: 'C', tracks: [], mediaFormat },
      });

    assert.equal(
      refusal(start({ encoding: 'audio/l16', sampleRate: 16000, channels: 1 })),
      'unsupported_format',
    );
    assert.equal(refusal(start({ encoding: 'audio/x-mulaw' })), 'invalid_field');
  });
});

describe('builders', () => {
  it('write media, mark and clear as Twilio reads them', () => {
    const media = JSON.parse(buildMediaMessage(sid, frame)) as unknown;
    const mark = JSON.parse(buildMarkMessage(sid, 'reply-1')) as unknown;
    const clear = JSON.parse(buildClearMessage(sid)) as unknown;

    assert.deepEqual(media, { event: 'media', streamSid: sid, media: { payload } });
    assert.deepEqual(mark, { event: 'mark', streamSid: sid, mark: { name: 'reply-1' } });
    assert.deepEqual(clear, { event: 'clear', streamSid: sid });
  });

  it('encodes only the view of the frame it is given', () => {
    const backing = Buffer.alloc(400, 1);
    frame.copy(backing, 100);
    const view = backing.subarray(100, 260);

    const media = JSON.parse(buildMediaMessage(sid, view)) as { media: { payload: string } };

    assert.equal(media.media.payload, payload);
  });
});
