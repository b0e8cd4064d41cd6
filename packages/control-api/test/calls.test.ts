// Outbound calls through the Twilio REST emulator (a real HTTP peer speaking Twilio's Calls
// API, signing its webhooks), over a real listening port: place, TwiML, stream, events,
// hand-off, status callbacks; and the refusals.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  startNotifyEmulator,
  startTwilioRestEmulator,
  type NotifyEmulator,
  type StreamRequest,
  type TwilioRestEmulator,
} from '@voice-agent/emulators';
import { createLead, getCallDetail, startTestApi, type TestApi } from './helpers.js';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'emulated-auth-token';

/** Plays the media core during a stream: context, events, then a hand-off that ends the leg. */
async function playMediaCore(baseUrl: string, stream: StreamRequest): Promise<void> {
  const headers = {
    authorization: 'Bearer test-service-token',
    'content-type': 'application/json',
  };
  const callId = stream.parameters['callId'];
  const response = await fetch(`${baseUrl}/internal/v1/calls/${callId}/context`, { headers });
  const context = (await response.json()) as { call_id: string; lead: { name: string } };
  assert.equal(context.call_id, callId);

  const at = (offsetMs: number) =>
    new Date(Date.parse('2026-03-02T09:00:00.000Z') + offsetMs).toISOString();
  const events = [
    { id: `${callId}-1`, type: 'call_started', at: at(0), payload: {} },
    {
      id: `${callId}-2`,
      type: 'turn',
      at: at(10),
      payload: { role: 'agent', text: `Namaste ${context.lead.name}` },
    },
    {
      id: `${callId}-3`,
      type: 'turn',
      at: at(20),
      payload: { role: 'caller', text: 'haan, home loan', confidence: 0.88 },
    },
    { id: `${callId}-4`, type: 'outcome', at: at(30), payload: { qualified: true } },
  ];
  const posted = await fetch(`${baseUrl}/internal/v1/calls/${callId}/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ events }),
  });
  assert.deepEqual(await posted.json(), { accepted: 4, duplicates: 0 });

  const handoff = await fetch(`${baseUrl}/internal/v1/calls/${callId}/handoff`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ reason: 'caller asked for a person' }),
  });
  assert.equal(handoff.status, 202);

  // The hand-off redirects the call, which ends this stream leg (the signal fires).
  await new Promise<void>((resolve) => {
    if (stream.signal.aborted) return resolve();
    stream.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

describe('outbound calls through the Twilio REST emulator', () => {
  let api: TestApi;
  let twilio: TwilioRestEmulator;
  let notify: NotifyEmulator;
  let baseUrl = '';

  before(async () => {
    notify = await startNotifyEmulator({
      apiKey: 'notify-key',
      templates: ['loan_document_checklist'],
    });
    twilio = await startTwilioRestEmulator({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      outcome: (to) => (to.endsWith('0000') ? 'busy' : 'completed'),
      onStream: (stream) => playMediaCore(baseUrl, stream),
    });
    api = await startTestApi({
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_API_BASE_URL: twilio.baseUrl,
      TWILIO_FROM_NUMBER: '+15005550006',
      HANDOFF_AGENT_NUMBER: '+919999900000',
      NOTIFY_API_BASE_URL: notify.baseUrl,
      NOTIFY_API_KEY: 'notify-key',
      NOTIFY_BASE_DELAY_MS: '5',
    });
    // PUBLIC_BASE_URL is unset: the API signs and checks against the address it listens on.
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await api.app.close();
    await twilio.close();
    await notify.close();
  });

  async function waitForStatus(callId: string, status: string) {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const call = await api.store.getCall(callId);
      if (call?.status === status) return call;
      await sleep(20);
    }
    throw new Error(`call ${callId} never reached ${status}`);
  }

  test('a call runs end to end: TwiML, stream, events, hand-off, status callbacks, checklist', async () => {
    const lead = await createLead(api, {
      name: 'Sunita',
      phone: '+919876500001',
      language: 'hi-IN',
      loan_type: 'home',
      consent: true,
    });
    const placed = await fetch(`${baseUrl}/api/v1/calls`, {
      method: 'POST',
      headers: { ...api.auth.ops, 'content-type': 'application/json' },
      body: JSON.stringify({ lead_id: lead.id }),
    });
    assert.equal(placed.status, 201);
    const call = (await placed.json()) as { id: string; twilio_sid: string };
    assert.match(call.twilio_sid, /^CA[0-9a-f]{32}$/);

    const emulated = await twilio.waitForCall(call.twilio_sid);
    assert.equal(emulated.status, 'completed');
    assert.equal(emulated.to, '+919876500001');
    // Every signed webhook was accepted: a bad signature would have been answered 403.
    assert.ok(emulated.callbacks.length >= 3);
    assert.ok(
      emulated.callbacks.every((callback) => callback.httpStatus === 204),
      JSON.stringify(emulated.callbacks),
    );
    const stream = emulated.actions.find((action) => action.verb === 'Connect/Stream');
    assert.deepEqual(stream?.parameters, { callId: call.id, leadId: lead.id, language: 'hi-IN' });
    assert.match(
      emulated.updates[0]?.['Twiml'] ?? '',
      /<Dial action="[^"]+\/handoff\/webhook\?handoffId=[^"]+" method="POST">\+919999900000<\/Dial>/,
    );

    await waitForStatus(call.id, 'completed');
    const detail = await getCallDetail(api, call.id);
    assert.deepEqual(
      detail.turns.map((turn: { role: string }) => turn.role),
      ['agent', 'caller'],
    );
    assert.deepEqual(detail.outcome, { qualified: true });
    assert.equal(detail.handoffs.length, 1);
    assert.equal(detail.handoffs[0].requested_by, 'media-core');
    assert.equal(detail.handoffs[0].status, 'dialing');
    assert.equal(detail.handoffs[0].target, '+919999900000');
    assert.ok(detail.started_at);
    assert.equal((await api.store.getLead(lead.id))?.status, 'qualified');

    // The qualified outcome sends the document checklist on WhatsApp, in the background.
    for (let attempt = 0; attempt < 50 && notify.messages.length === 0; attempt += 1)
      await sleep(20);
    assert.equal(notify.messages[0]?.destination, '919876500001');
    assert.deepEqual(notify.messages[0]?.template, {
      id: 'loan_document_checklist',
      params: ['Sunita', 'home'],
    });

    const listed = (
      await api.app.inject({
        method: 'GET',
        url: `/api/v1/calls?lead_id=${lead.id}`,
        headers: api.auth.viewer,
      })
    ).json();
    assert.deepEqual(
      listed.items.map((item: { id: string }) => item.id),
      [call.id],
    );
  });

  test('a busy callee ends the call busy and counts it as failed', async () => {
    const lead = await createLead(api, { name: 'Busy', phone: '+919876510000', consent: true });
    const placed = await api.app.inject({
      method: 'POST',
      url: '/api/v1/calls',
      headers: api.auth.ops,
      payload: { lead_id: lead.id },
    });
    assert.equal(placed.statusCode, 201);

    await twilio.waitForCall(placed.json().twilio_sid);
    await waitForStatus(placed.json().id, 'busy');
    const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^calls_failed_total\{direction="outbound",status="busy"\} 1$/m);
  });

  test('ops hand off a live call; a finished call cannot be handed off', async () => {
    const lead = await createLead(api, { name: 'Live', phone: '+919876520001', consent: true });
    const call = await api.store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'completed',
      twilio_sid: 'CA' + 'f'.repeat(32),
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'en-IN',
      created_by: 'ops',
    });
    const done = await api.app.inject({
      method: 'POST',
      url: `/api/v1/calls/${call.id}/handoff`,
      headers: api.auth.ops,
      payload: { reason: 'angry' },
    });
    assert.equal(done.statusCode, 409);

    const viewer = await api.app.inject({
      method: 'POST',
      url: `/api/v1/calls/${call.id}/handoff`,
      headers: api.auth.viewer,
      payload: { reason: 'angry' },
    });
    assert.equal(viewer.statusCode, 403);
    const noReason = await api.app.inject({
      method: 'POST',
      url: `/api/v1/calls/${call.id}/handoff`,
      headers: api.auth.ops,
      payload: {},
    });
    assert.equal(noReason.json().error.field, 'body.reason');
  });

  test('refuses do-not-call, no consent, maintenance, unknown leads and bad bodies', async () => {
    const dnc = await createLead(api, {
      name: 'DNC',
      phone: '+919876530001',
      consent: true,
      do_not_call: true,
    });
    const noConsent = await createLead(api, { name: 'NoConsent', phone: '+919876530002' });
    const place = (payload: object, headers = api.auth.ops) =>
      api.app.inject({ method: 'POST', url: '/api/v1/calls', headers, payload });

    assert.equal((await place({ lead_id: dnc.id })).json().error.code, 'lead_do_not_call');
    assert.equal(
      (await place({ lead_id: noConsent.id })).json().error.code,
      'lead_without_consent',
    );
    assert.equal((await place({ lead_id: 'nope' })).statusCode, 404);
    assert.equal((await place({})).json().error.field, 'body.lead_id');
    assert.equal((await place({ lead_id: dnc.id }, api.auth.viewer)).statusCode, 403);
    assert.equal(
      (await api.app.inject({ method: 'POST', url: '/api/v1/calls', payload: { lead_id: dnc.id } }))
        .statusCode,
      401,
    );

    await api.app.inject({
      method: 'PUT',
      url: '/api/v1/maintenance',
      headers: api.auth.admin,
      payload: { enabled: true },
    });
    const paused = await place({ lead_id: noConsent.id });
    assert.equal(paused.statusCode, 503);
    assert.equal(paused.json().error.code, 'maintenance_mode');
    await api.app.inject({
      method: 'PUT',
      url: '/api/v1/maintenance',
      headers: api.auth.admin,
      payload: { enabled: false },
    });
    assert.equal(
      twilio.calls.filter((item) => item.to === dnc.phone || item.to === noConsent.phone).length,
      0,
    );
  });
});

describe('outbound call edge cases', () => {
  test('outside the calling window (in the lead time zone) the call is refused', async () => {
    const nowUtcHour = new Date().getUTCHours();
    const start = String((nowUtcHour + 2) % 24).padStart(2, '0');
    const end = String((nowUtcHour + 3) % 24).padStart(2, '0');
    const api = await startTestApi({
      CALLING_WINDOW: `${start}:00-${end}:00`,
      DEFAULT_TIME_ZONE: 'UTC',
    });
    try {
      const lead = await createLead(api, { name: 'Night', phone: '+919876540001', consent: true });
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/calls',
        headers: api.auth.ops,
        payload: { lead_id: lead.id },
      });
      assert.equal(response.statusCode, 409);
      assert.equal(response.json().error.code, 'outside_calling_window');
      assert.match(response.json().error.message, /UTC/);
    } finally {
      await api.app.close();
    }
  });

  test('Twilio refusing the call (wrong credentials) answers 502 and records the call failed', async () => {
    const twilio = await startTwilioRestEmulator({ accountSid: ACCOUNT, authToken: TOKEN });
    const api = await startTestApi({
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'not-the-token',
      TWILIO_API_BASE_URL: twilio.baseUrl,
    });
    try {
      const lead = await createLead(api, { name: 'Fail', phone: '+919876550001', consent: true });
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/calls',
        headers: api.auth.ops,
        payload: { lead_id: lead.id },
      });
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().error.code, 'twilio_error');

      const calls = await api.store.listCalls({ limit: 5, lead_id: lead.id });
      assert.equal(calls.items[0]?.status, 'failed');
      assert.ok(calls.items[0]?.error);
    } finally {
      await api.app.close();
      await twilio.close();
    }
  });
});
