// The notification emulator over HTTP, as a Gupshup client would call it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startNotifyEmulator, type NotifyEmulator } from '../../src/notify/index.js';

const API_KEY = 'notify-test-key';

async function send(
  emulator: NotifyEmulator,
  route: 'wa' | 'sm',
  fields: Record<string, string>,
  apiKey = API_KEY,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.baseUrl}/${route}/api/v1/msg`, {
    method: 'POST',
    headers: { apikey: apiKey, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const checklist = (id = 'document_checklist'): Record<string, string> => ({
  channel: 'whatsapp',
  source: '917834811114',
  destination: '+919876543210',
  message: JSON.stringify({ type: 'template', id, params: ['Asha', 'PAN, salary slips'] }),
});

describe('notification emulator', () => {
  let emulator: NotifyEmulator;

  before(async () => {
    emulator = await startNotifyEmulator({ apiKey: API_KEY, templates: ['document_checklist'] });
  });

  after(async () => {
    await emulator.close();
  });

  it('accepts a WhatsApp template message with 202 and records it', async () => {
    const answer = await send(emulator, 'wa', checklist());

    assert.equal(answer.status, 202);
    assert.equal(answer.body['status'], 'submitted');
    const message = emulator.messages.at(-1);
    assert.equal(message?.messageId, answer.body['messageId']);
    assert.equal(message?.destination, '919876543210');
    assert.deepEqual(message?.template, {
      id: 'document_checklist',
      params: ['Asha', 'PAN, salary slips'],
    });
  });

  it('accepts an SMS', async () => {
    const answer = await send(emulator, 'sm', {
      channel: 'sms',
      source: '919999900000',
      destination: '919876543210',
      message: 'Your documents: PAN, salary slips',
    });

    assert.equal(answer.status, 202);
    assert.equal(emulator.messages.at(-1)?.channel, 'sms');
  });

  it('refuses a bad key with 401, a bad number or unknown template with 400', async () => {
    const before = emulator.messages.length;

    assert.equal((await send(emulator, 'wa', checklist(), 'wrong')).status, 401);
    const badNumber = await send(emulator, 'wa', { ...checklist(), destination: '12ab' });
    assert.deepEqual(
      [badNumber.status, badNumber.body],
      [400, { status: 'error', message: 'Invalid Destination' }],
    );
    const unknown = await send(emulator, 'wa', checklist('no_such_template'));
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.body['message']), /Template not found/);
    assert.equal(emulator.messages.length, before);
  });

  it('plays injected faults: 429 with Retry-After, then 5xx, then success', async () => {
    emulator.inject({ kind: 'rate-limit', count: 2, retryAfterS: 3 });
    emulator.inject({ kind: 'server-error', count: 1, status: 502 });

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(emulator, 'wa', checklist()));

    assert.deepEqual(
      answers.map((answer) => [answer.status, answer.retryAfter]),
      [
        [429, '3'],
        [429, '3'],
        [502, null],
        [202, null],
      ],
    );
  });

  it('takes faults through the admin route, including added latency', async () => {
    const injected = await fetch(`${emulator.baseUrl}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', latencyMs: 150, count: 1 }),
    });
    assert.equal(injected.status, 204);

    const startedMs = performance.now();
    assert.equal((await send(emulator, 'wa', checklist())).status, 202);
    assert.ok(performance.now() - startedMs >= 140, 'the answer was delayed');

    const refused = await fetch(`${emulator.baseUrl}/__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'rate-limit' }),
    });
    assert.equal(refused.status, 400);
    assert.match(String(((await refused.json()) as { message: string }).message), /fault\.count/);
  });
});
