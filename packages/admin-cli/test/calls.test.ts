// `voice-admin calls` against a real control API (Twilio unreachable: placing fails cleanly).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminToken, startApi, type ApiHarness } from './api-harness.js';

describe('voice-admin calls', () => {
  let api: ApiHarness;
  let env: Record<string, string>;
  before(async () => {
    // Port 9 on 127.0.0.1 (discard) has no listener: Twilio is unreachable.
    api = await startApi({ TWILIO_API_BASE_URL: 'http://127.0.0.1:9', TWILIO_TIMEOUT_MS: '2000' });
    env = { VOICE_API_TOKEN: await adminToken(api) };
  });
  after(() => api.close());

  test('get shows the conversation; list shows the call; JSON on request', async () => {
    const lead = await api.ctx.store.createLead({
      name: 'Kiran',
      phone: '+919700000001',
      consent: true,
    });
    const call = await api.ctx.store.createCall({
      lead_id: lead.id,
      direction: 'inbound',
      status: 'completed',
      from_number: lead.phone,
      to_number: '+15005550006',
      language: 'hi-IN',
      created_by: 'twilio',
    });
    await api.ctx.store.recordCallEvents(call.id, [
      {
        event: { id: 'e1', type: 'turn', at: '2026-01-01T10:00:00.000Z', payload: {} },
        effect: {
          turn: {
            id: 'e1',
            call_id: call.id,
            role: 'agent',
            text: 'Namaste',
            confidence: null,
            at: '2026-01-01T10:00:00.000Z',
            payload: {},
          },
        },
      },
      {
        event: { id: 'e2', type: 'turn', at: '2026-01-01T10:00:02.000Z', payload: {} },
        effect: {
          turn: {
            id: 'e2',
            call_id: call.id,
            role: 'caller',
            text: 'haan ji',
            confidence: 0.9,
            at: '2026-01-01T10:00:02.000Z',
            payload: {},
          },
        },
      },
    ]);

    const shown = await api.run(['calls', 'get', call.id], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /conversation:\n {2}agent {2}Namaste\n {2}caller haan ji\n/);

    const list = await api.run(['calls', 'list', '--lead', lead.id, '--json'], env);
    assert.deepEqual(
      JSON.parse(list.stdout).items.map((item: { id: string }) => item.id),
      [call.id],
    );
    assert.match(
      (await api.run(['calls', 'list'], env)).stdout,
      new RegExp(`^${call.id}\\s+inbound\\s+completed`, 'm'),
    );
  });

  test('place reports Twilio being unreachable; handoff of an ended call is refused', async () => {
    const lead = await api.ctx.store.createLead({
      name: 'Meera',
      phone: '+919700000002',
      consent: true,
    });
    const placed = await api.run(['calls', 'place', '--lead', lead.id], env);
    assert.equal(placed.code, 1);
    assert.match(
      placed.stderr,
      /^voice-admin: Twilio refused the call: Twilio unreachable: .* \(twilio_error\)\n$/,
    );

    const failed = (await api.ctx.store.listCalls({ limit: 1, lead_id: lead.id })).items[0];
    assert.equal(failed?.status, 'failed');
    const handoff = await api.run(['calls', 'handoff', failed?.id ?? '', '--reason', 'test'], env);
    assert.equal(handoff.code, 1);
    assert.match(handoff.stderr, /\(call_not_live\)/);
  });
});
