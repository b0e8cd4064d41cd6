// `voice-admin maintenance` against a real control API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminToken, startApi, type ApiHarness } from './api-harness.js';

describe('voice-admin maintenance', () => {
  let api: ApiHarness;
  let env: Record<string, string>;
  before(async () => {
    api = await startApi();
    env = { VOICE_API_TOKEN: await adminToken(api) };
  });
  after(() => api.close());

  test('on, status, off', async () => {
    const on = await api.run(['maintenance', 'on', '--message', 'Back at six'], env);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^maintenance ON \(by root at .+\)\ncallers hear: Back at six\n$/);
    assert.equal((await api.ctx.store.getMaintenance()).enabled, true);

    const status = JSON.parse((await api.run(['maintenance', 'status', '--json'], env)).stdout);
    assert.equal(status.enabled, true);
    assert.equal(status.message, 'Back at six');

    const off = await api.run(['maintenance', 'off'], env);
    assert.match(off.stdout, /^maintenance off/);
    assert.equal((await api.ctx.store.getMaintenance()).enabled, false);
  });

  test('without a token it fails with a hint', async () => {
    const result = await api.run(['maintenance', 'on']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /VOICE_API_TOKEN/);
  });
});
