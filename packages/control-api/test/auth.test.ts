// Login, refresh, roles and the auth failure metric, through the real app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_PASSWORD, startTestApi, type TestApi } from './helpers.js';

async function metricValue(api: TestApi, line: string): Promise<number> {
  const body = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
  const found = body.split('\n').find((row) => row.startsWith(line + ' '));

  return found ? Number(found.slice(line.length + 1)) : 0;
}

describe('auth', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ LOGIN_RATE_LIMIT_PER_MINUTE: '5' });
  });
  after(() => api.app.close());

  test('login answers tokens that open the API; refresh answers a new pair', async () => {
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ops', password: TEST_PASSWORD },
      remoteAddress: '10.0.0.1',
    });
    assert.equal(login.statusCode, 200);
    const tokens = login.json();
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.token_type, 'Bearer');

    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().role, 'ops');

    const refreshed = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
    });
    assert.equal(refreshed.statusCode, 200);
    assert.ok(refreshed.json().access_token);

    // A refresh token is not an access token, nor the reverse.
    const misuse = await api.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${tokens.refresh_token}` },
    });
    assert.equal(misuse.statusCode, 401);
    const reverse = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: tokens.access_token },
    });
    assert.equal(reverse.statusCode, 401);
  });

  test('a wrong password or unknown user is 401 and counted', async () => {
    const beforeCount = await metricValue(api, 'auth_failures_total{reason="bad_credentials"}');
    for (const username of ['ops', 'nobody']) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: 'wrong password' },
        remoteAddress: '10.0.0.2',
      });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'invalid_credentials');
    }
    assert.equal(
      await metricValue(api, 'auth_failures_total{reason="bad_credentials"}'),
      beforeCount + 2,
    );
  });

  test('login validation names the missing field', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ops' },
      remoteAddress: '10.0.0.3',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().error, {
      code: 'validation_failed',
      message: 'body.password is required',
      field: 'body.password',
    });
  });

  test('login is rate-limited per client with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'ops', password: 'nope nope' },
        remoteAddress: '10.0.0.9',
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        retryAfter = String(response.headers['retry-after']);
        assert.equal(response.json().error.code, 'rate_limited');
      }
    }

    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.ok(Number(retryAfter) > 0, `Retry-After was ${retryAfter}`);
  });

  test('no token is 401, a forged token is 401, the wrong role is 403', async () => {
    const none = await api.app.inject({ method: 'GET', url: '/api/v1/leads' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');

    const forged = await api.app.inject({
      method: 'GET',
      url: '/api/v1/leads',
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' },
    });
    assert.equal(forged.statusCode, 401);

    const viewerWrites = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: api.auth.viewer,
      payload: { name: 'X', phone: '+919800000001' },
    });
    assert.equal(viewerWrites.statusCode, 403);
    assert.equal(viewerWrites.json().error.code, 'forbidden');

    const opsAdmin = await api.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: api.auth.ops,
    });
    assert.equal(opsAdmin.statusCode, 403);
    assert.ok((await metricValue(api, 'auth_failures_total{reason="forbidden_role"}')) >= 2);
  });

  test('admins manage users; passwords are checked and never answered', async () => {
    const weak = await api.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: api.auth.admin,
      payload: { username: 'newbie', password: 'short', role: 'ops' },
    });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.field, 'body.password');

    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: api.auth.admin,
      payload: { username: 'newbie', password: 'long enough pass', role: 'viewer' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().password_hash, undefined);

    const taken = await api.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: api.auth.admin,
      payload: { username: 'newbie', password: 'long enough pass', role: 'viewer' },
    });
    assert.equal(taken.statusCode, 409);

    const list = await api.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: api.auth.admin,
    });
    assert.deepEqual(
      list
        .json()
        .items.map((user: { username: string }) => user.username)
        .sort(),
      ['admin', 'newbie', 'ops', 'viewer'],
    );

    const removed = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${created.json().id}`,
      headers: api.auth.admin,
    });
    assert.equal(removed.statusCode, 204);
    const again = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${created.json().id}`,
      headers: api.auth.admin,
    });
    assert.equal(again.statusCode, 404);
  });
});
