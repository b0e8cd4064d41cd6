// Twilio webhooks: signatures (valid, invalid, missing), form bodies, inbound TwiML, status
// callbacks and their metrics, maintenance mode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHmac } from 'node:crypto';
import { twilioSignature, validTwilioSignature } from '../src/twilio/signature.js';
import { createLead, startTestApi, type TestApi } from './helpers.js';

const PUBLIC = 'https://voice.example.test';
const TOKEN = 'twilio-test-token';

function post(api: TestApi, path: string, params: Record<string, string>, signature?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;

  return api.app.inject({
    method: 'POST',
    url: path,
    headers,
    payload: new URLSearchParams(params).toString(),
  });
}

function signedPost(api: TestApi, path: string, params: Record<string, string>) {
  return post(api, path, params, twilioSignature(TOKEN, PUBLIC + path, params));
}

async function metric(api: TestApi, line: string): Promise<number> {
  const body = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
  const row = body.split('\n').find((text) => text.startsWith(line + ' '));

  return row ? Number(row.slice(line.length + 1)) : 0;
}

describe('twilio signature', () => {
  test('signs the URL followed by the parameters sorted by name, each as name+value', () => {
    const data = 'https://x.test/hook?a=1' + 'Aone' + 'Btwo' + 'Cx' + 'Cy';
    const expected = createHmac('sha1', 'k').update(data).digest('base64');

    assert.equal(
      twilioSignature('k', 'https://x.test/hook?a=1', { C: ['y', 'x'], B: 'two', A: 'one' }),
      expected,
    );
    assert.equal(
      validTwilioSignature(
        'k',
        'https://x.test/hook?a=1',
        { A: 'one', B: 'two', C: ['x', 'y'] },
        expected,
      ),
      true,
    );
    assert.equal(
      validTwilioSignature(
        'k',
        'https://x.test/hook?a=2',
        { A: 'one', B: 'two', C: ['x', 'y'] },
        expected,
      ),
      false,
    );
    assert.equal(validTwilioSignature('k', 'https://x.test/hook?a=1', {}, undefined), false);
  });
});

describe('twilio webhooks', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_BASE_URL: PUBLIC,
      MEDIA_PUBLIC_URL: 'wss://media.example.test/media',
    });
  });
  after(() => api.app.close());

  const inbound = {
    CallSid: 'CA00000000000000000000000000000001',
    From: '+919812345678',
    To: '+15005550006',
    CallStatus: 'ringing',
    Direction: 'inbound',
  };

  test('inbound: a signed call creates lead and call and answers stream TwiML', async () => {
    const response = await signedPost(api, '/api/v1/calls/inbound/webhook', inbound);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/xml/);

    const call = await api.store.findCallByTwilioSid(inbound.CallSid);
    assert.ok(call);
    assert.equal(call.direction, 'inbound');
    const lead = await api.store.getLead(call.lead_id);
    assert.equal(lead?.phone, '+919812345678');
    assert.equal(lead?.source, 'inbound');
    assert.equal(
      response.body,
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://media.example.test/media">' +
        `<Parameter name="callId" value="${call.id}"/><Parameter name="leadId" value="${call.lead_id}"/>` +
        '<Parameter name="language" value="en-IN"/></Stream></Connect></Response>',
    );

    const again = await signedPost(api, '/api/v1/calls/inbound/webhook', inbound);
    assert.equal(again.body, response.body, 'a retried webhook answers the same call');
    assert.equal((await api.store.listCalls({ limit: 10, lead_id: call.lead_id })).items.length, 1);
  });

  test('inbound: an invalid, missing or tampered signature is 403 and changes nothing', async () => {
    const params = { ...inbound, CallSid: 'CA00000000000000000000000000000002' };
    const good = twilioSignature(TOKEN, PUBLIC + '/api/v1/calls/inbound/webhook', params);
    const failuresBefore = await metric(api, 'auth_failures_total{reason="twilio_signature"}');

    const cases = [
      await post(api, '/api/v1/calls/inbound/webhook', params),
      await post(api, '/api/v1/calls/inbound/webhook', params, 'AAAA' + good.slice(4)),
      await post(api, '/api/v1/calls/inbound/webhook', { ...params, From: '+919800000000' }, good),
      // Signed for another URL (the https/wss or host mix-up): refused too.
      await post(
        api,
        '/api/v1/calls/inbound/webhook',
        params,
        twilioSignature(TOKEN, 'http://localhost/api/v1/calls/inbound/webhook', params),
      ),
    ];
    for (const response of cases) {
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'invalid_signature');
    }
    assert.equal(await api.store.findCallByTwilioSid(params.CallSid), null);
    assert.equal(
      await metric(api, 'auth_failures_total{reason="twilio_signature"}'),
      failuresBefore + 4,
    );
  });

  test('status callbacks update the call once, in order, and count finished calls', async () => {
    const lead = await createLead(api, { name: 'Out', phone: '+919822223333', consent: true });
    const call = await api.store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'en-IN',
      created_by: 'ops',
    });
    const path = `/api/v1/calls/status/webhook?callId=${call.id}`;
    const sid = 'CA00000000000000000000000000000010';
    const completedBefore = await metric(
      api,
      'calls_total{direction="outbound",status="completed"}',
    );

    assert.equal(
      (await signedPost(api, path, { CallSid: sid, CallStatus: 'ringing' })).statusCode,
      204,
    );
    assert.equal(
      (await signedPost(api, path, { CallSid: sid, CallStatus: 'completed', CallDuration: '37' }))
        .statusCode,
      204,
    );
    // Late or repeated callbacks change nothing and are not counted twice.
    await signedPost(api, path, { CallSid: sid, CallStatus: 'in-progress' });
    await signedPost(api, path, { CallSid: sid, CallStatus: 'completed', CallDuration: '37' });

    const stored = await api.store.getCall(call.id);
    assert.equal(stored?.status, 'completed');
    assert.equal(stored?.duration_s, 37);
    assert.equal(stored?.twilio_sid, sid);
    assert.ok(stored?.ended_at);
    assert.equal(
      await metric(api, 'calls_total{direction="outbound",status="completed"}'),
      completedBefore + 1,
    );

    const busyCall = await api.store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'en-IN',
      created_by: 'ops',
    });
    await signedPost(api, `/api/v1/calls/status/webhook?callId=${busyCall.id}`, {
      CallSid: 'CA00000000000000000000000000000011',
      CallStatus: 'busy',
    });
    assert.equal(await metric(api, 'calls_failed_total{direction="outbound",status="busy"}'), 1);

    const bad = await signedPost(api, path, { CallSid: sid, CallStatus: 'exploded' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'body.CallStatus');
  });

  test('outbound TwiML for a known call; 404 for an unknown one', async () => {
    const lead = await createLead(api, {
      name: 'Twiml',
      phone: '+919844445555',
      language: 'ta-IN',
    });
    const call = await api.store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'ta-IN',
      created_by: 'ops',
    });
    const response = await signedPost(api, `/api/v1/calls/${call.id}/twiml`, {
      CallSid: 'CA00000000000000000000000000000020',
      CallStatus: 'in-progress',
    });

    assert.equal(response.statusCode, 200);
    assert.match(response.body, new RegExp(`<Parameter name="callId" value="${call.id}"/>`));
    assert.match(response.body, /<Parameter name="language" value="ta-IN"\/>/);
    assert.equal((await api.store.getCall(call.id))?.status, 'in-progress');

    const unknown = await signedPost(api, '/api/v1/calls/nope/twiml', { CallSid: 'CA1' });
    assert.equal(unknown.statusCode, 404);
  });

  test('the hand-off leg reports how it ended (Dial action callback)', async () => {
    const lead = await createLead(api, { name: 'Agent leg', phone: '+919866667777' });
    const call = await api.store.createCall({
      lead_id: lead.id,
      direction: 'inbound',
      status: 'in-progress',
      twilio_sid: 'CA00000000000000000000000000000040',
      from_number: lead.phone,
      to_number: '+15005550006',
      language: 'en-IN',
      created_by: 'twilio',
    });
    const handoff = await api.store.createHandoff({
      call_id: call.id,
      requested_by: 'ops',
      reason: 'wants a person',
      target: '+919999900000',
      status: 'dialing',
      requested_at: new Date().toISOString(),
      ended_at: null,
      duration_s: null,
      error: null,
    });
    const path = `/api/v1/calls/${call.id}/handoff/webhook?handoffId=${handoff.id}`;

    const unsigned = await post(api, path, { DialCallStatus: 'completed' });
    assert.equal(unsigned.statusCode, 403);
    const response = await signedPost(api, path, {
      CallSid: call.twilio_sid ?? '',
      DialCallStatus: 'completed',
      DialCallDuration: '125',
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<Hangup\/>/);

    const [stored] = await api.store.listHandoffs(call.id);
    assert.equal(stored?.status, 'completed');
    assert.equal(stored?.duration_s, 125);
    assert.ok(stored?.ended_at);
  });

  test('maintenance mode: inbound callers hear the message; toggled by admins only', async () => {
    const denied = await api.app.inject({
      method: 'PUT',
      url: '/api/v1/maintenance',
      headers: api.auth.ops,
      payload: { enabled: true },
    });
    assert.equal(denied.statusCode, 403);

    const on = await api.app.inject({
      method: 'PUT',
      url: '/api/v1/maintenance',
      headers: api.auth.admin,
      payload: { enabled: true, message: 'Back at 6 & later' },
    });
    assert.equal(on.json().enabled, true);
    assert.equal(on.json().updated_by, 'admin');

    const response = await signedPost(api, '/api/v1/calls/inbound/webhook', {
      ...inbound,
      CallSid: 'CA00000000000000000000000000000030',
    });
    assert.match(response.body, /<Say language="en-IN">Back at 6 &amp; later<\/Say><Hangup\/>/);
    assert.equal(await api.store.findCallByTwilioSid('CA00000000000000000000000000000030'), null);

    const state = await api.app.inject({
      method: 'GET',
      url: '/api/v1/maintenance',
      headers: api.auth.viewer,
    });
    assert.equal(state.json().enabled, true);
    await api.app.inject({
      method: 'PUT',
      url: '/api/v1/maintenance',
      headers: api.auth.admin,
      payload: { enabled: false },
    });
  });
});

describe('twilio webhooks without an auth token', () => {
  test('are accepted unsigned (embedded default)', async () => {
    const api = await startTestApi();
    try {
      const response = await post(api, '/api/v1/calls/inbound/webhook', {
        CallSid: 'CA9',
        From: '+919811100000',
        To: '+15005550006',
      });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<Stream url="ws:\/\/127\.0\.0\.1:8080\/media">/);
    } finally {
      await api.app.close();
    }
  });
});
