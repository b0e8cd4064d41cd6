// Lead routes: create (E.164, unique), list with filters and cursors, get, update, delete,
// roles, validation and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLead, startTestApi, type TestApi } from './helpers.js';

describe('leads', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.app.close());

  test('create normalises the phone to E.164 and refuses a taken one', async () => {
    const lead = await createLead(api, {
      name: 'Asha',
      phone: '098765 43210',
      language: 'hi-IN',
      loan_type: 'home',
      consent: true,
    });
    assert.equal(lead.phone, '+919876543210');
    assert.equal(lead['language'], 'hi-IN');
    assert.equal(lead['status'], 'new');

    const same = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: api.auth.ops,
      payload: { name: 'Other', phone: '+91 98765-43210' },
    });
    assert.equal(same.statusCode, 409);
    assert.equal(same.json().error.field, 'body.phone');
  });

  test('validation names the field and the rule', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ phone: '+919800000000' }, 'body.name'],
      [{ name: 'A', phone: 'call me maybe' }, 'body.phone'],
      [{ name: 'A', phone: '+919800000000', language: 'Hindi' }, 'body.language'],
      [{ name: 'A', phone: '+919800000000', consent: 'yes please' }, 'body.consent'],
      [{ name: 'A', phone: '+919800000000', time_zone: 'Mars/Olympus' }, 'body.time_zone'],
      [{ name: 'A', phone: '+919800000000', colour: 'blue' }, 'body.colour'],
    ];
    for (const [payload, field] of cases) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: api.auth.ops,
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.field, field);
      assert.match(response.json().error.message, new RegExp(`^${field.replace('.', '\\.')} `));
    }
  });

  test('list filters by status and phone and pages with a cursor', async () => {
    for (let index = 0; index < 5; index += 1) {
      await createLead(api, {
        name: `Page ${index}`,
        phone: `+9197000000${index}0`,
        status: index % 2 ? 'callback' : 'new',
      });
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/leads?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api.app.inject({ method: 'GET', url, headers: api.auth.viewer })).json();
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((lead: { id: string }) => lead.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no lead twice across pages');
    assert.equal(seen.length, 6);

    const callbacks = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/leads?status=callback',
        headers: api.auth.viewer,
      })
    ).json();
    assert.equal(callbacks.items.length, 2);

    const byPhone = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/leads?phone=09700000020',
        headers: api.auth.viewer,
      })
    ).json();
    assert.deepEqual(
      byPhone.items.map((lead: { name: string }) => lead.name),
      ['Page 2'],
    );

    const badCursor = await api.app.inject({
      method: 'GET',
      url: '/api/v1/leads?cursor=zzz',
      headers: api.auth.viewer,
    });
    assert.equal(badCursor.statusCode, 400);
    assert.equal(badCursor.json().error.field, 'query.cursor');

    const badLimit = await api.app.inject({
      method: 'GET',
      url: '/api/v1/leads?limit=0',
      headers: api.auth.viewer,
    });
    assert.equal(badLimit.json().error.field, 'query.limit');
  });

  test('get, update (do-not-call, consent), delete; reads and writes are audited', async () => {
    const lead = await createLead(api, { name: 'Ravi', phone: '+919811111111' });
    const url = `/api/v1/leads/${lead.id}`;

    const read = await api.app.inject({ method: 'GET', url, headers: api.auth.viewer });
    assert.equal(read.json().name, 'Ravi');

    const updated = await api.app.inject({
      method: 'PATCH',
      url,
      headers: api.auth.ops,
      payload: { do_not_call: true, consent: true },
    });
    assert.equal(updated.statusCode, 200);
    assert.equal(updated.json().do_not_call, true);

    const empty = await api.app.inject({
      method: 'PATCH',
      url,
      headers: api.auth.ops,
      payload: {},
    });
    assert.equal(empty.statusCode, 400);

    const viewerDelete = await api.app.inject({ method: 'DELETE', url, headers: api.auth.viewer });
    assert.equal(viewerDelete.statusCode, 403);
    assert.equal(
      (await api.app.inject({ method: 'DELETE', url, headers: api.auth.ops })).statusCode,
      204,
    );
    assert.equal(
      (await api.app.inject({ method: 'GET', url, headers: api.auth.viewer })).statusCode,
      404,
    );

    const auditLog = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/audit?limit=200',
        headers: api.auth.admin,
      })
    ).json();
    const mine = auditLog.items.filter(
      (entry: { resource_id: string }) => entry.resource_id === lead.id,
    );
    assert.deepEqual(
      mine
        .map((entry: { actor: string; action: string }) => `${entry.actor}:${entry.action}`)
        .reverse(),
      ['ops:create', 'viewer:read', 'ops:update', 'ops:delete'],
    );
    assert.equal(
      (await api.app.inject({ method: 'GET', url: '/api/v1/audit', headers: api.auth.ops }))
        .statusCode,
      403,
    );
  });

  test('a lead with calls cannot be deleted', async () => {
    const lead = await createLead(api, { name: 'Meena', phone: '+919822222222' });
    await api.store.createCall({
      lead_id: lead.id,
      direction: 'inbound',
      status: 'completed',
      from_number: lead.phone,
      to_number: '+15005550006',
      language: 'en-IN',
      created_by: 'twilio',
    });

    const response = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/leads/${lead.id}`,
      headers: api.auth.ops,
    });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'lead_has_calls');
  });
});
