// The control peer over real HTTP, spoken to as the agent's control client speaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ControlPeer } from '../../src/soak/control-peer.js';

const TOKEN = 'test-token';

async function call(peer: ControlPeer, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${peer.baseUrl}/internal/v1/calls/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('the peer serves context, stores each event once and sees the end and outcome', async () => {
  const peer = await ControlPeer.start(TOKEN);
  try {
    peer.expect('c1', 'hi-IN');

    const context = await call(peer, 'c1/context');
    assert.equal(context.status, 200);
    assert.equal(context.json['language'], 'hi-IN');
    assert.equal((context.json['lead'] as Record<string, unknown>)['language'], 'hi-IN');

    const events = [
      { id: 'e1', type: 'outcome', at: '', payload: { outcome: 'qualified' } },
      { id: 'e2', type: 'call_ended', at: '', payload: {} },
    ];
    assert.deepEqual((await call(peer, 'c1/events', { events })).json, {
      accepted: 2,
      duplicates: 0,
    });
    assert.deepEqual((await call(peer, 'c1/events', { events })).json, {
      accepted: 0,
      duplicates: 2,
    });
    assert.equal((await call(peer, 'c1/handoff', { reason: 'asked' })).status, 202);

    assert.deepEqual(await peer.waitForEnd('c1', 1000), {
      language: 'hi-IN',
      events: 2,
      ended: true,
      outcome: 'qualified',
      handoffs: 1,
    });
  } finally {
    await peer.close();
  }
});

test('the peer refuses a wrong token and an unknown call, and waits in bounded time', async () => {
  const peer = await ControlPeer.start(TOKEN);
  try {
    peer.expect('c1', 'en-IN');

    assert.equal((await call(peer, 'c1/context', undefined, 'wrong')).status, 401);
    assert.equal((await call(peer, 'nobody/context')).status, 404);
    const started = performance.now();
    assert.equal((await peer.waitForEnd('c1', 200))?.ended, false);
    assert.ok(performance.now() - started < 1000);
  } finally {
    await peer.close();
  }
});
