// One contract suite, run against every store: SQLite always, MongoDB when MONGODB_URI is set.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MongoStore } from '../src/store/mongo.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { StoreConflict, type CallEvent, type Store } from '../src/store/types.js';
import { effectOf } from '../src/calls/events.js';

function event(
  id: string,
  type: CallEvent['type'],
  payload: Record<string, unknown>,
  at = new Date().toISOString(),
): CallEvent {
  return { id, type, at, payload };
}

/** The behaviour every store must have. */
function contract(name: string, open: () => Promise<Store>) {
  test(`${name}: users are unique by username`, async () => {
    const store = await open();
    const user = await store.createUser({ username: 'ana', password_hash: 'h', role: 'ops' });
    assert.equal((await store.findUserByUsername('ana'))?.id, user.id);
    assert.equal((await store.getUser(user.id))?.role, 'ops');
    await assert.rejects(
      store.createUser({ username: 'ana', password_hash: 'h', role: 'admin' }),
      StoreConflict,
    );
    assert.equal(await store.deleteUser(user.id), true);
    assert.equal(await store.deleteUser(user.id), false);
    await store.close();
    await store.close();
  });

  test(`${name}: leads are unique by phone, patchable, paged newest first`, async () => {
    const store = await open();
    const first = await store.createLead({ name: 'A', phone: '+919000000001', consent: true });
    assert.equal(first.do_not_call, false);
    assert.equal(first.consent, true);
    await assert.rejects(store.createLead({ name: 'B', phone: '+919000000001' }), StoreConflict);

    const bulk = await store.createLeads([
      { name: 'C', phone: '+919000000002' },
      { name: 'D', phone: '+919000000001' },
      { name: 'E', phone: '+919000000003', status: 'callback' },
    ]);
    assert.deepEqual(
      bulk.created.map((lead) => lead.name),
      ['C', 'E'],
    );
    assert.deepEqual(bulk.existing_phones, ['+919000000001']);

    const patched = await store.updateLead(first.id, {
      do_not_call: true,
      status: 'not_interested',
    });
    assert.equal(patched?.do_not_call, true);
    assert.equal((await store.getLead(first.id))?.status, 'not_interested');
    await assert.rejects(store.updateLead(first.id, { phone: '+919000000002' }), StoreConflict);
    assert.equal(await store.updateLead('missing', { name: 'x' }), null);

    const page1 = await store.listLeads({ limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next_cursor);
    const page2 = await store.listLeads({ limit: 2, cursor: page1.next_cursor ?? undefined });
    assert.equal(page2.items.length, 1);
    assert.equal(page2.next_cursor, null);
    const all = [...page1.items, ...page2.items].map((lead) => lead.created_at);
    assert.deepEqual([...all].sort().reverse(), all);

    assert.deepEqual(
      (await store.listLeads({ limit: 10, status: 'callback' })).items.map((lead) => lead.name),
      ['E'],
    );
    assert.equal((await store.findLeadByPhone('+919000000003'))?.name, 'E');
    await store.close();
  });

  test(`${name}: call status only moves forward; turns and events are stored exactly once`, async () => {
    const store = await open();
    const lead = await store.createLead({ name: 'A', phone: '+919000000010' });
    const call = await store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'hi-IN',
      created_by: 'ops',
    });
    assert.equal(call.twilio_sid, null);
    await assert.rejects(store.deleteLead(lead.id), StoreConflict);

    const first = await store.updateCall(call.id, {
      status: 'completed',
      twilio_sid: 'CA1',
      duration_s: 42,
    });
    assert.equal(first?.previousStatus, 'queued');
    const late = await store.updateCall(call.id, { status: 'ringing' });
    assert.equal(late?.call.status, 'completed');
    assert.equal((await store.findCallByTwilioSid('CA1'))?.id, call.id);

    // A second call without a sid: the unique sid rule must allow many unknown sids.
    const other = await store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'hi-IN',
      created_by: 'ops',
    });
    assert.equal(other.twilio_sid, null);
    const third = await store.createCall({
      lead_id: lead.id,
      direction: 'outbound',
      status: 'queued',
      from_number: '+15005550006',
      to_number: lead.phone,
      language: 'hi-IN',
      created_by: 'ops',
    });
    assert.equal((await store.listCalls({ limit: 10, lead_id: lead.id })).items[0]?.id, third.id);

    const batch = [
      event(
        'e1',
        'turn',
        { role: 'caller', text: 'namaste', confidence: 0.9 },
        '2026-01-01T10:00:00.000Z',
      ),
      event('e2', 'fact', { name: 'income', value: 50000 }),
      event('e3', 'fact', { employer: 'Acme', 'a.b': 1 }),
      event('e4', 'outcome', { status: 'qualified' }),
      event('e5', 'bargein', { atMs: 1200 }),
      event('e6', 'turn', { role: 'agent', text: 'hello' }, '2026-01-01T10:00:01.000Z'),
    ];
    const withEffects = (events: CallEvent[]) =>
      events.map((item) => ({ event: item, effect: effectOf(other.id, item) }));
    const stored = await store.recordCallEvents(other.id, withEffects(batch));
    assert.equal(stored.accepted.length, 6);
    assert.equal(stored.duplicates, 0);

    const again = await store.recordCallEvents(
      other.id,
      withEffects([batch[0]!, batch[3]!, event('e7', 'call_ended', { duration_s: 61.4 })]),
    );
    assert.deepEqual(
      again.accepted.map((item) => item.id),
      ['e7'],
    );
    assert.equal(again.duplicates, 2);

    const turns = await store.listTurns(other.id);
    assert.deepEqual(
      turns.map((turn) => [turn.role, turn.text, turn.confidence]),
      [
        ['caller', 'namaste', 0.9],
        ['agent', 'hello', null],
      ],
    );
    const detail = await store.getCall(other.id);
    assert.equal(detail?.facts['income'], 50000);
    assert.equal(detail?.facts['employer'], 'Acme');
    assert.deepEqual(detail?.outcome, { status: 'qualified' });
    assert.equal(detail?.status, 'completed');
    assert.equal(detail?.duration_s, 61);
    assert.deepEqual((await store.listCallEvents(other.id)).map((item) => item.type).sort(), [
      'bargein',
      'call_ended',
      'fact',
      'fact',
      'outcome',
    ]);
    await store.close();
  });

  test(`${name}: hand-offs, notifications, audit pages and maintenance`, async () => {
    const store = await open();
    const lead = await store.createLead({ name: 'A', phone: '+919000000020' });
    const call = await store.createCall({
      lead_id: lead.id,
      direction: 'inbound',
      status: 'in-progress',
      twilio_sid: 'CA20',
      from_number: lead.phone,
      to_number: '+15005550006',
      language: 'en-IN',
      created_by: 'twilio',
    });
    const handoff = await store.createHandoff({
      call_id: call.id,
      requested_by: 'media-core',
      reason: 'asked for a person',
      target: '+919999999999',
      status: 'requested',
      requested_at: new Date().toISOString(),
      ended_at: null,
      duration_s: null,
      error: null,
    });
    await store.updateHandoff(handoff.id, { status: 'completed', duration_s: 30 });
    assert.deepEqual(
      (await store.listHandoffs(call.id)).map((item) => [item.status, item.duration_s]),
      [['completed', 30]],
    );

    const note = await store.createNotification({
      lead_id: lead.id,
      call_id: call.id,
      channel: 'whatsapp',
      destination: lead.phone,
      template: 't',
      body: '[]',
      status: 'failed',
      provider_message_id: null,
      attempts: 3,
      error: 'HTTP 503',
    });
    assert.equal((await store.listNotifications(5))[0]?.id, note.id);

    for (let index = 0; index < 3; index += 1) {
      await store.appendAudit({
        actor: 'ops',
        action: 'read',
        resource: 'lead',
        resource_id: `l${index}`,
        detail: { index },
      });
    }
    const auditPage = await store.listAudit(2);
    assert.equal(auditPage.items.length, 2);
    const rest = await store.listAudit(2, auditPage.next_cursor ?? undefined);
    assert.equal(rest.items.length, 1);
    assert.deepEqual(rest.items[0]?.detail, { index: 0 });

    assert.equal((await store.getMaintenance()).enabled, false);
    await store.setMaintenance({ enabled: true, message: 'back soon', updated_by: 'admin' });
    assert.equal((await store.getMaintenance()).message, 'back soon');
    assert.equal(await store.ping(), true);
    await store.close();
    assert.equal(await store.ping(), false);
  });
}

describe('store contract', () => {
  contract('sqlite', async () => new SqliteStore(':memory:'));

  test('sqlite: a file store keeps its data and migrates once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'control-api-store-'));
    try {
      const path = join(dir, 'nested', 'voice-agent.db');
      const first = new SqliteStore(path);
      await first.createLead({ name: 'Kept', phone: '+919000000099' });
      await first.close();

      const second = new SqliteStore(path);
      assert.equal((await second.findLeadByPhone('+919000000099'))?.name, 'Kept');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const uri = process.env['MONGODB_URI'];
  if (uri) {
    let run = 0;
    contract('mongodb', async () => {
      const store = await MongoStore.connect(uri, `voice_agent_contract_${process.pid}_${run++}`);
      return store;
    });
  } else {
    test('mongodb', (t) => t.skip('MONGODB_URI not set: MongoDB contract leg skipped'));
  }
});
