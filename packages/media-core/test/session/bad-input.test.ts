// Bad input never ends a good call: each kind of mistake is counted, logged once per call,
// and the call keeps streaming. Run on both transports, over real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallSession, SessionSummary } from '../../src/index.js';
import {
  memoryLogger,
  metricValue,
  SILENCE_FRAME,
  startTestServer,
  TRANSPORTS,
  TwilioPeer,
  waitFor,
  type TestServer,
} from '../transport/harness.js';

/** A `media` message with fields overridden, in Twilio's shape otherwise. */
function media(streamSid: string, fields: Record<string, unknown>, payload = SILENCE_FRAME) {
  return JSON.stringify({
    event: 'media',
    sequenceNumber: '9',
    streamSid,
    media: { track: 'inbound', chunk: '9', timestamp: '160', payload, ...fields },
  });
}

for (const transport of TRANSPORTS) {
  describe(`bad input on ${transport}`, () => {
    const memory = memoryLogger();
    const summaries: SessionSummary[] = [];
    const sessions: CallSession[] = [];
    let test: TestServer;

    before(async () => {
      test = await startTestServer(
        transport,
        {},
        {
          logger: memory.log,
          onSession: (session) => sessions.push(session),
          sink: { onSessionEnd: (summary) => summaries.push(summary) },
        },
      );
    });
    after(() => test.server.close());

    it('counts and drops each kind, logs it once, and keeps the call going', async () => {
      const sid = 'MZbadinput';
      const peer = await TwilioPeer.connect(test.mediaUrl, {}, sid);
      const badBeforeStart = [media(sid, {})];
      const badAfterStart = [
        '{"event":"media",',
        '[1,2,3]',
        '{"event":"hangup","streamSid":"MZbadinput"}',
        media(sid, { chunk: 9 }),
        media(sid, {}, '!!!!not*base64!!'),
        media(sid, {}, Buffer.alloc(80).toString('base64')),
        media('MZsomeoneelse', {}),
        JSON.stringify({
          event: 'dtmf',
          sequenceNumber: '4',
          streamSid: sid,
          dtmf: { track: 'inbound_track', digit: 'x' },
        }),
      ];

      for (let round = 0; round < 2; round++) for (const text of badBeforeStart) peer.sendRaw(text);
      peer.start({ callId: 'bad-1' });
      peer.start({ callId: 'bad-1' });
      for (let round = 0; round < 2; round++) for (const text of badAfterStart) peer.sendRaw(text);
      for (let chunk = 1; chunk <= 5; chunk++) peer.media(chunk);
      await waitFor(() => sessions[0]?.state === 'streaming');
      peer.stop();
      const closed = await peer.closed;
      await waitFor(() => summaries.length === 1);

      assert.equal(closed.code, 1000, 'the call ended by its own stop');
      const summary = summaries[0]!;
      assert.equal(summary.framesIn, 5);
      assert.deepEqual(summary.protocolErrors, {
        media_before_start: 2,
        duplicate_start: 1,
        malformed_json: 2,
        invalid_field: 6,
        unknown_event: 2,
        bad_base64: 2,
        bad_payload_length: 2,
        stream_mismatch: 2,
      });
      const counted = await metricValue(
        test.server,
        'media_protocol_errors_total{kind="invalid_field"}',
      );
      assert.equal(counted, 6);

      const logged = memory.lines().filter((line) => line.msg === 'twilio protocol error');
      const kinds = logged.map((line) => line.kind).sort();
      assert.deepEqual(kinds, [
        'bad_base64',
        'bad_payload_length',
        'duplicate_start',
        'invalid_field',
        'malformed_json',
        'media_before_start',
        'stream_mismatch',
        'unknown_event',
      ]);
      const ended = memory.lines().filter((line) => line.msg === 'call ended');
      assert.equal(ended.length, 1, 'one summary line per call');
    });
  });
}
