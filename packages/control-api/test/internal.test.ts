// The media core's internal API: call context, events stored exactly once (also across a
// control API restart), service-token auth.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../src/store/sqlite.js';
import { createLead, getCallDetail, startTestApi, type TestApi } from './helpers.js';

let clockMs = Date.parse('2026-03-01T10:00:00.000Z');

/** A caller turn; each one 1 ms after the previous, as a media core stamps them. */
function turn(id: string, text: string, confidence?: number) {
  clockMs += 1;
  return {
    id,
    type: 'turn',
    at: new Date(clockMs).toISOString(),
    payload: { role: 'caller', text, ...(confidence !== undefined ? { confidence } : {}) },
  };
}

async function newCall(api: TestApi, phone: string) {
  const lead = await createLead(api, {
    name: 'Kiran',
    phone,
    language: 'hi-IN',
    loan_type: 'personal',
    consent: true,
  });
  return api.store.createCall({
    lead_id: lead.id,
    direction: 'outbound',
    status: 'in-progress',
    twilio_sid: null,
    from_number: '+15005550006',
    to_number: lead.phone,
    language: 'hi-IN',
    created_by: 'ops',
  });
}

describe('internal API', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.app.close());

  test('context answers the lead and language; 404 for an unknown call; service token required', async () => {
    const call = await newCall(api, '+919700011111');
    const url = `/internal/v1/calls/${call.id}/context`;

    const response = await api.app.inject({ method: 'GET', url, headers: api.service });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      call_id: call.id,
      lead_id: call.lead_id,
      language: 'hi-IN',
      direction: 'outbound',
      lead: { id: call.lead_id, name: 'Kiran', language: 'hi-IN', loan_type: 'personal' },
    });

    assert.equal(
      (
        await api.app.inject({
          method: 'GET',
          url: '/internal/v1/calls/missing/context',
          headers: api.service,
        })
      ).statusCode,
      404,
    );
    assert.equal((await api.app.inject({ method: 'GET', url })).statusCode, 401);
    assert.equal(
      (
        await api.app.inject({
          method: 'GET',
          url,
          headers: { authorization: 'Bearer wrong-token' },
        })
      ).statusCode,
      401,
    );
    // A user token is not the service token.
    assert.equal(
      (await api.app.inject({ method: 'GET', url, headers: api.auth.admin })).statusCode,
      401,
    );
  });

  test('the same event twice is stored once; a batch with some duplicates counts them', async () => {
    const call = await newCall(api, '+919700022222');
    const url = `/internal/v1/calls/${call.id}/events`;
    const first = turn('evt-1', 'mujhe loan chahiye', 0.82);

    const once = await api.app.inject({
      method: 'POST',
      url,
      headers: api.service,
      payload: { events: [first] },
    });
    assert.deepEqual(once.json(), { accepted: 1, duplicates: 0 });
    const twice = await api.app.inject({
      method: 'POST',
      url,
      headers: api.service,
      payload: { events: [first] },
    });
    assert.deepEqual(twice.json(), { accepted: 0, duplicates: 1 });

    const batch = [
      first,
      turn('evt-2', 'salary pachas hazaar', 0.91),
      {
        id: 'evt-3',
        type: 'fact',
        at: new Date().toISOString(),
        payload: { name: 'monthly_income', value: 50000 },
      },
      {
        id: 'evt-4',
        type: 'latency_summary',
        at: new Date().toISOString(),
        payload: { p50_ms: 640, p95_ms: 910 },
      },
      { id: 'evt-5', type: 'bargein', at: new Date().toISOString(), payload: { heard_ms: 1200 } },
      {
        id: 'evt-6',
        type: 'outcome',
        at: new Date().toISOString(),
        payload: { status: 'callback', summary: 'call back tomorrow' },
      },
      {
        id: 'evt-7',
        type: 'call_ended',
        at: new Date().toISOString(),
        payload: { status: 'completed', duration_s: 95 },
      },
    ];
    const mixed = await api.app.inject({
      method: 'POST',
      url,
      headers: api.service,
      payload: { events: batch },
    });
    assert.deepEqual(mixed.json(), { accepted: 6, duplicates: 1 });
    const replay = await api.app.inject({
      method: 'POST',
      url,
      headers: api.service,
      payload: { events: batch },
    });
    assert.deepEqual(replay.json(), { accepted: 0, duplicates: 7 });

    const detail = await getCallDetail(api, call.id);
    assert.deepEqual(
      detail.turns.map((item: { text: string }) => item.text),
      ['mujhe loan chahiye', 'salary pachas hazaar'],
    );
    assert.equal(detail.turns[1].payload.confidence, 0.91, 'the turn as sent is kept');
    assert.deepEqual(detail.facts, { monthly_income: 50000 });
    assert.deepEqual(detail.latency_summary, { p50_ms: 640, p95_ms: 910 });
    assert.equal(detail.outcome.summary, 'call back tomorrow');
    assert.equal(detail.status, 'completed');
    assert.equal(detail.duration_s, 95);
    assert.deepEqual(
      detail.events.map((item: { type: string }) => item.type),
      ['fact', 'latency_summary', 'bargein', 'outcome', 'call_ended'],
    );
    assert.equal((await api.store.getLead(call.lead_id))?.status, 'callback');

    const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^asr_confidence_score_count 2$/m);
    assert.match(metrics, /^calls_total\{direction="outbound",status="completed"\} 1$/m);
  });

  test('events are validated: type, count, id and time; unknown call is 404', async () => {
    const call = await newCall(api, '+919700033333');
    const url = `/internal/v1/calls/${call.id}/events`;
    const cases: Array<[unknown, string]> = [
      [{ events: [] }, 'body.events'],
      [{ events: [{ ...turn('x', 'a'), type: 'sneeze' }] }, 'body.events.0.type'],
      [{ events: [{ ...turn('x', 'a'), at: 'yesterday' }] }, 'body.events.0.at'],
      [
        { events: [{ type: 'turn', at: new Date().toISOString(), payload: {} }] },
        'body.events.0.id',
      ],
      [
        { events: Array.from({ length: 101 }, (_, index) => turn(`b${index}`, 'a')) },
        'body.events',
      ],
    ];
    for (const [payload, field] of cases) {
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: api.service,
        payload: payload as object,
      });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().error.field, field);
    }

    const unknown = await api.app.inject({
      method: 'POST',
      url: '/internal/v1/calls/nope/events',
      headers: api.service,
      payload: { events: [turn('z', 'a')] },
    });
    assert.equal(unknown.statusCode, 404);
  });

  test('hand-off of a call that is not live is refused', async () => {
    const call = await newCall(api, '+919700044444');
    const response = await api.app.inject({
      method: 'POST',
      url: `/internal/v1/calls/${call.id}/handoff`,
      headers: api.service,
      payload: { reason: 'asked for a human' },
    });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'call_not_live');
  });
});

describe('events across a control API restart', () => {
  test('every event is stored once when the batch is redelivered to a restarted API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'control-api-restart-'));
    const path = join(dir, 'voice-agent.db');
    try {
      const first = await startTestApi({}, new SqliteStore(path));
      const call = await newCall(first, '+919700055555');
      const url = `/internal/v1/calls/${call.id}/events`;
      const events = Array.from({ length: 20 }, (_, index) =>
        turn(`restart-${index}`, `turn ${index}`),
      );

      // The first half arrives, then the API stops before the sender hears the answer.
      await first.app.inject({
        method: 'POST',
        url,
        headers: first.service,
        payload: { events: events.slice(0, 10) },
      });
      await first.app.close();

      // The sender retries everything against the restarted API on the same store.
      const second = await startTestApi({}, new SqliteStore(path));
      const retried = await second.app.inject({
        method: 'POST',
        url,
        headers: second.service,
        payload: { events },
      });
      assert.deepEqual(retried.json(), { accepted: 10, duplicates: 10 });

      const turns = await second.store.listTurns(call.id);
      assert.deepEqual(
        turns.map((item) => item.text),
        events.map((item) => item.payload.text),
      );
      await second.app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
