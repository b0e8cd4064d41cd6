// The control client against a real HTTP peer: answers, typed errors, time-outs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ControlApiError, ControlClient } from '../../src/control/index.js';
import { ApiPeer } from './api-peer.js';

const TOKEN = 'service-token';

describe('ControlClient', () => {
  const peer = new ApiPeer(TOKEN);
  let client: ControlClient;

  before(async () => {
    await peer.start();
    peer.calls.add('call-1');
    client = new ControlClient({ baseUrl: peer.baseUrl, serviceToken: TOKEN, timeoutMs: 300 });
  });

  after(async () => {
    await client.close();
    await client.close();
    await peer.stop();
  });

  it('reads the call context, mapped to camelCase', async () => {
    const context = await client.getCallContext('call-1');

    assert.deepEqual(context, {
      callId: 'call-1',
      leadId: 'lead-1',
      language: 'hi-IN',
      direction: 'outbound',
      lead: { id: 'lead-1', name: 'Asha', language: 'hi-IN', loanType: 'home' },
    });
  });

  it('posts events and requests a hand-off', async () => {
    const event = {
      id: 'e-1',
      type: 'turn' as const,
      at: new Date().toISOString(),
      payload: { text: 'hi' },
    };

    assert.deepEqual(await client.postEvents('call-1', [event]), { accepted: 1, duplicates: 0 });
    assert.deepEqual(await client.postEvents('call-1', [event]), { accepted: 0, duplicates: 1 });
    await client.requestHandoff('call-1', 'caller asked for a person');
    assert.deepEqual(peer.handoffs, [{ callId: 'call-1', reason: 'caller asked for a person' }]);
    await assert.rejects(client.postEvents('call-1', []), RangeError);
  });

  it('fails with typed errors that say whether to retry', async () => {
    const expectError = async (
      promise: Promise<unknown>,
      code: string,
      retryable: boolean,
      status?: number,
    ) => {
      const error = await promise.then(
        () => assert.fail('expected a failure'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof ControlApiError);
      assert.deepEqual([error.code, error.retryable, error.status], [code, retryable, status]);
    };

    await expectError(client.getCallContext('nope'), 'CONTROL_NOT_FOUND', false, 404);
    const stranger = new ControlClient({ baseUrl: peer.baseUrl, serviceToken: 'wrong' });
    await expectError(stranger.getCallContext('call-1'), 'CONTROL_UNAUTHORIZED', false, 401);
    await stranger.close();

    peer.failNext(1, 429, 2);
    const event = { id: 'e-2', type: 'fact' as const, at: new Date().toISOString(), payload: {} };
    const error = await client.postEvents('call-1', [event]).catch((failure: unknown) => failure);
    assert.ok(error instanceof ControlApiError);
    assert.deepEqual(
      [error.code, error.retryable, error.retryAfterMs],
      ['CONTROL_RATE_LIMITED', true, 2000],
    );

    peer.failNext(1, 503);
    await expectError(client.postEvents('call-1', [event]), 'CONTROL_SERVER_ERROR', true, 503);

    peer.delayMs = 600;
    await expectError(client.getCallContext('call-1'), 'CONTROL_TIMEOUT', true);
    peer.delayMs = 0;
  });

  it('reports an API that is not listening as unreachable and retryable', async () => {
    const down = new ApiPeer(TOKEN);
    await down.start();
    const baseUrl = down.baseUrl;
    await down.stop();
    const orphan = new ControlClient({ baseUrl, serviceToken: TOKEN, timeoutMs: 300 });

    const error = await orphan.getCallContext('call-1').catch((failure: unknown) => failure);
    assert.ok(error instanceof ControlApiError);
    assert.deepEqual([error.code, error.retryable], ['CONTROL_UNREACHABLE', true]);
    await orphan.close();
  });
});
