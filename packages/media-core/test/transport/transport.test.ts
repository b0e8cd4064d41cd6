// One suite, run against both transports: routes, the call lifecycle, frame-level rules,
// signature and connection limits, on real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallSession, SessionSummary } from '../../src/index.js';
import { computeTwilioSignature } from '../../src/twilio/index.js';
import {
  metricValue,
  startTestServer,
  TRANSPORTS,
  TwilioPeer,
  upgradeStatus,
  waitFor,
  type TestServer,
} from './harness.js';

for (const transport of TRANSPORTS) {
  describe(`transport ${transport}`, () => {
    describe('routes and lifecycle', () => {
      let test: TestServer;
      const sessions: CallSession[] = [];
      const summaries: SessionSummary[] = [];

      before(async () => {
        test = await startTestServer(
          transport,
          {},
          {
            onSession: (session) => sessions.push(session),
            sink: { onSessionEnd: (summary) => summaries.push(summary) },
          },
        );
      });
      after(() => test.server.close());

      it('runs on the transport it was asked for', () => {
        assert.equal(test.server.transportName, transport);
      });

      it('answers GET /health with status, calls, version and uptime', async () => {
        const response = await fetch(`${test.httpUrl}/health`);
        const body = (await response.json()) as Record<string, unknown>;

        assert.equal(response.status, 200);
        assert.equal(body.status, 'ok');
        assert.equal(body.activeCalls, 0);
        assert.match(String(body.version), /^\d+\.\d+\.\d+/);
        assert.equal(typeof body.uptimeS, 'number');
      });

      it('answers GET /metrics in Prometheus text with the media metrics', async () => {
        const response = await fetch(`${test.httpUrl}/metrics`);
        const text = await response.text();

        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
        for (const name of ['media_active_calls', 'media_frame_latency_seconds_bucket']) {
          assert.ok(text.includes(name), `${name} missing`);
        }
      });

      it('answers 404 on other paths, and refuses an upgrade on them', async () => {
        const response = await fetch(`${test.httpUrl}/nope`);
        await response.arrayBuffer();

        assert.equal(response.status, 404);
        assert.notEqual(await upgradeStatus(`ws://127.0.0.1:${test.port}/other`), 101);
      });

      it('runs a call from connected to stop and reports it once to the sink', async () => {
        const peer = await TwilioPeer.connect(test.mediaUrl, {}, 'MZlifecycle');
        await waitFor(() => sessions.length === 1);
        const session = sessions[0]!;
        const digits: string[] = [];
        const marks: string[] = [];
        session.on('dtmf', (dtmf) => digits.push(dtmf.digit));
        session.on('mark', (name) => marks.push(name));
        assert.equal(session.state, 'connected');

        peer.connected();
        peer.start({ callId: 'call-1', leadId: 'lead-1', language: 'hi-IN' }, 'CAlifecycle');
        await waitFor(() => session.state === 'started');
        assert.equal(session.callSid, 'CAlifecycle');
        assert.deepEqual(session.customParameters, {
          callId: 'call-1',
          leadId: 'lead-1',
          language: 'hi-IN',
        });

        for (let chunk = 1; chunk <= 10; chunk++) peer.media(chunk);
        peer.dtmf('7');
        peer.mark('reply-1');
        await waitFor(() => marks.length === 1);
        assert.equal(session.state, 'streaming');
        assert.equal(session.mediaTimestampMs, 180);
        assert.equal(await metricValue(test.server, 'media_active_calls'), 1);

        peer.stop();
        const closed = await peer.closed;
        await waitFor(() => summaries.length === 1);

        assert.equal(closed.code, 1000);
        assert.deepEqual(digits, ['7']);
        assert.equal(session.state, 'stopped');
        const summary = summaries[0]!;
        assert.equal(summary.reason, 'stop');
        assert.equal(summary.callSid, 'CAlifecycle');
        assert.equal(summary.callId, 'call-1');
        assert.equal(summary.framesIn, 10);
        assert.equal(summary.missingFrames, 0);
        assert.deepEqual(summary.protocolErrors, {});
        await waitFor(() => test.server.sessions().length === 0);
        assert.equal(await metricValue(test.server, 'media_active_calls'), 0);
      });

      it('ends a call whose socket drops without stop the same way', async () => {
        const before = summaries.length;
        const peer = await TwilioPeer.connect(test.mediaUrl, {}, 'MZdropped');
        peer.start({ callId: 'call-2' });
        peer.media(1);
        peer.media(3);
        await waitFor(() => sessions.at(-1)?.state === 'streaming');

        peer.drop();
        await waitFor(() => summaries.length === before + 1);

        const summary = summaries.at(-1)!;
        assert.equal(summary.reason, 'socket_closed');
        assert.equal(summary.callId, 'call-2');
        assert.equal(summary.framesIn, 2);
        assert.equal(summary.missingFrames, 1);
      });

      it('closes a stream that sends a binary frame with 1003, and only that one', async () => {
        const good = await TwilioPeer.connect(test.mediaUrl, {}, 'MZgood');
        const bad = await TwilioPeer.connect(test.mediaUrl, {}, 'MZbinary');
        good.start();
        bad.start();

        bad.socket.send(Buffer.from([0x7b, 0x7d]), { binary: true });
        const closed = await bad.closed;
        good.media(1);
        await waitFor(() => summaries.some((s) => s.streamSid === 'MZbinary'));

        assert.equal(closed.code, 1003);
        assert.equal(good.socket.readyState, good.socket.OPEN);
        good.stop();
        await good.closed;
      });

      it('closes a stream that sends an oversized message with 1009', async () => {
        const peer = await TwilioPeer.connect(test.mediaUrl);
        peer.sendRaw(`{"event":"connected","pad":"${'x'.repeat(70 * 1024)}"}`);

        const closed = await peer.closed;

        assert.equal(closed.code, 1009);
        await waitFor(() => summaries.at(-1)?.reason === 'oversized_message');
      });
    });

    describe('signature', () => {
      const token = 'test-auth-token';
      let test: TestServer;

      before(async () => {
        test = await startTestServer(transport, { twilioAuthToken: token });
      });
      after(() => test.server.close());

      it('accepts an upgrade signed over wss:// + Host + path', async () => {
        const host = `127.0.0.1:${test.port}`;
        const signature = computeTwilioSignature(token, `wss://${host}/media`);

        assert.equal(await upgradeStatus(test.mediaUrl, { 'x-twilio-signature': signature }), 101);
      });

      it('answers 403 before the upgrade for a missing, wrong or https:// signature', async () => {
        const host = `127.0.0.1:${test.port}`;
        const overHttps = computeTwilioSignature(token, `https://${host}/media`);
        const otherToken = computeTwilioSignature('other', `wss://${host}/media`);

        assert.equal(await upgradeStatus(test.mediaUrl), 403);
        assert.equal(await upgradeStatus(test.mediaUrl, { 'x-twilio-signature': overHttps }), 403);
        assert.equal(await upgradeStatus(test.mediaUrl, { 'x-twilio-signature': otherToken }), 403);
        assert.equal(await upgradeStatus(test.mediaUrl, { 'x-twilio-signature': 'short' }), 403);
        assert.equal(
          await metricValue(test.server, 'media_upgrades_rejected_total{reason="bad_signature"}'),
          4,
        );
      });

      it('signs with X-Forwarded-Host when an ingress set it, and includes the query', async () => {
        const url = `${test.mediaUrl}?tenant=a`;
        const signature = computeTwilioSignature(token, 'wss://voice.example.com/media?tenant=a');
        const headers = {
          'x-forwarded-host': 'voice.example.com',
          'x-twilio-signature': signature,
        };

        assert.equal(await upgradeStatus(url, headers), 101);
        assert.equal(await upgradeStatus(test.mediaUrl, headers), 403);
      });
    });

    describe('MEDIA_PUBLIC_URL', () => {
      it('replaces the URL the signature covers', async () => {
        const publicUrl = 'wss://public.example.com/twilio/media';
        const test = await startTestServer(transport, { twilioAuthToken: 't', publicUrl });
        const signature = computeTwilioSignature('t', publicUrl);
        const headers = { 'x-twilio-signature': signature };

        assert.equal(await upgradeStatus(test.mediaUrl, headers), 101);
        await test.server.close();
      });
    });

    describe('connection limits', () => {
      it('answers 429 past the per-address limit and 503 past the total', async () => {
        const perIp = await startTestServer(transport, { maxConnectionsPerIp: 1 });
        const total = await startTestServer(transport, { maxConnections: 1 });
        const held = [
          await TwilioPeer.connect(perIp.mediaUrl),
          await TwilioPeer.connect(total.mediaUrl),
        ];

        assert.equal(await upgradeStatus(perIp.mediaUrl), 429);
        assert.equal(await upgradeStatus(total.mediaUrl), 503);

        for (const peer of held) peer.drop();
        await waitFor(() => perIp.server.sessions().length === 0);
        assert.equal(await upgradeStatus(perIp.mediaUrl), 101);
        await Promise.all([perIp.server.close(), total.server.close()]);
      });
    });

    describe('idle streams', () => {
      it('closes a stream with no media for MEDIA_IDLE_TIMEOUT_MS, not one that streams', async () => {
        const test = await startTestServer(transport, { idleTimeoutMs: 200 });
        const idle = await TwilioPeer.connect(test.mediaUrl, {}, 'MZidle');
        const busy = await TwilioPeer.connect(test.mediaUrl, {}, 'MZbusy');
        idle.start();
        busy.start();
        const startedAtMs = performance.now();

        let chunk = 1;
        const pump = setInterval(() => busy.media(chunk++), 20);
        const closed = await idle.closed;
        const idleForMs = performance.now() - startedAtMs;
        clearInterval(pump);

        assert.equal(closed.code, 1000);
        assert.ok(idleForMs >= 190, `closed after ${idleForMs} ms`);
        assert.equal(busy.socket.readyState, busy.socket.OPEN);
        busy.stop();
        await busy.closed;
        await test.server.close();
      });
    });
  });
}
