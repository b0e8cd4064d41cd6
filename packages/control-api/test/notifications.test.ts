// Notifications through the Gupshup-style notification emulator: sent, retried on 429/5xx,
// permanent failures recorded, skipped without a provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startNotifyEmulator, type NotifyEmulator } from '@voice-agent/emulators';
import { startTestApi, type TestApi } from './helpers.js';

describe('POST /api/v1/notifications/test', () => {
  let notify: NotifyEmulator;
  let api: TestApi;
  before(async () => {
    notify = await startNotifyEmulator({
      apiKey: 'good-key',
      templates: ['loan_document_checklist'],
    });
    api = await startTestApi({
      NOTIFY_API_BASE_URL: notify.baseUrl,
      NOTIFY_API_KEY: 'good-key',
      NOTIFY_BASE_DELAY_MS: '5',
      NOTIFY_MAX_ATTEMPTS: '3',
    });
  });
  after(async () => {
    await api.app.close();
    await notify.close();
  });

  const send = (payload: object, headers = api.auth.ops) =>
    api.app.inject({ method: 'POST', url: '/api/v1/notifications/test', headers, payload });

  test('WhatsApp template and SMS text reach the provider', async () => {
    const whatsapp = await send({
      channel: 'whatsapp',
      destination: '98765 43210',
      params: ['Asha', 'home'],
    });
    assert.equal(whatsapp.statusCode, 201);
    assert.equal(whatsapp.json().status, 'sent');
    assert.equal(whatsapp.json().attempts, 1);
    const sms = await send({
      channel: 'sms',
      destination: '+919876543210',
      text: 'Your documents list is on WhatsApp',
    });
    assert.equal(sms.json().status, 'sent');

    const [first, second] = notify.messages.slice(-2);
    assert.deepEqual(first?.template, { id: 'loan_document_checklist', params: ['Asha', 'home'] });
    assert.equal(first?.destination, '919876543210');
    assert.equal(second?.channel, 'sms');
    assert.equal(second?.message, 'Your documents list is on WhatsApp');
  });

  test('429 and 5xx are retried with backoff; success on a later attempt', async () => {
    notify.inject({ kind: 'rate-limit', count: 1, retryAfterS: 0 });
    notify.inject({ kind: 'server-error', count: 1, status: 503 });
    const response = await send({ channel: 'sms', destination: '+919876543211', text: 'retry me' });
    assert.equal(response.json().status, 'sent');
    assert.equal(response.json().attempts, 3);
  });

  test('permanent failures are recorded and answered 502; 4xx is never retried', async () => {
    notify.inject({ kind: 'server-error', count: 5, status: 500 });
    const exhausted = await send({ channel: 'sms', destination: '+919876543212', text: 'x' });
    assert.equal(exhausted.statusCode, 502);
    notify.clearFaults();

    const unknownTemplate = await send({
      channel: 'whatsapp',
      destination: '+919876543213',
      template: 'no_such_template',
    });
    assert.equal(unknownTemplate.statusCode, 502);
    assert.equal(unknownTemplate.json().error.code, 'notification_failed');

    const list = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/notifications?limit=2',
        headers: api.auth.viewer,
      })
    ).json();
    assert.deepEqual(
      list.items.map((item: { status: string; attempts: number }) => [item.status, item.attempts]),
      [
        ['failed', 1],
        ['failed', 3],
      ],
    );
    assert.match(list.items[0].error, /Template not found/);
  });

  test('validation and roles', async () => {
    assert.equal(
      (await send({ channel: 'fax', destination: '+919876543210' })).json().error.field,
      'body.channel',
    );
    assert.equal(
      (await send({ channel: 'sms', destination: '+919876543210' })).json().error.field,
      'body.text',
    );
    assert.equal(
      (await send({ channel: 'sms', destination: 'abc', text: 'x' })).json().error.field,
      'body.destination',
    );
    assert.equal(
      (await send({ channel: 'sms', destination: '+919876543210', text: 'x' }, api.auth.viewer))
        .statusCode,
      403,
    );
  });
});

test('without NOTIFY_API_KEY a notification is recorded as skipped', async () => {
  const api = await startTestApi();
  try {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/test',
      headers: api.auth.ops,
      payload: { channel: 'sms', destination: '+919876543210', text: 'hi' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'skipped');
  } finally {
    await api.app.close();
  }
});
