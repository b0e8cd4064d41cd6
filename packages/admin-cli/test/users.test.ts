// `voice-admin users`: create writes to the configured store without a token; login and list
// go through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApi, type ApiHarness } from './api-harness.js';

describe('voice-admin users', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('create (password on stdin) writes the first admin to the store the API reads', async () => {
    const created = await api.run(
      ['users', 'create', '--username', 'first', '--password-stdin', '--role', 'admin'],
      {},
      'first password\n',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'created admin first (sqlite store)\n');

    const user = await api.ctx.store.findUserByUsername('first');
    assert.equal(user?.role, 'admin');
    assert.notEqual(user?.password_hash, 'first password');

    const login = await api.run([
      'users',
      'login',
      '--username',
      'first',
      '--password',
      'first password',
    ]);
    assert.equal(login.code, 0, login.stderr);
    const token = login.stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);

    const list = await api.run(['users', 'list', '--json'], { VOICE_API_TOKEN: token });
    assert.deepEqual(
      JSON.parse(list.stdout).map((item: { username: string }) => item.username),
      ['first'],
    );
    const table = await api.run(['users', 'list'], { VOICE_API_TOKEN: token });
    assert.match(table.stdout, /^USERNAME\s+ROLE\s+CREATED_AT\s+ID\nfirst\s+admin\s/);
  });

  test('refusals are one line on stderr with a non-zero exit', async () => {
    const taken = await api.run([
      'users',
      'create',
      '--username',
      'first',
      '--password',
      'another password',
      '--role',
      'ops',
    ]);
    assert.equal(taken.code, 1);
    assert.equal(taken.stderr, 'voice-admin: username first is taken\n');

    const short = await api.run([
      'users',
      'create',
      '--username',
      'x1',
      '--password',
      'short',
      '--role',
      'ops',
    ]);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /^voice-admin: password must be at least 8 characters\n$/);

    const role = await api.run([
      'users',
      'create',
      '--username',
      'x2',
      '--password',
      'long enough',
      '--role',
      'boss',
    ]);
    assert.notEqual(role.code, 0);
    assert.match(role.stderr, /--role.*must be one of admin, ops, viewer/);

    const badLogin = await api.run([
      'users',
      'login',
      '--username',
      'first',
      '--password',
      'wrong password',
    ]);
    assert.equal(badLogin.code, 2);
    assert.match(
      badLogin.stderr,
      /^voice-admin: username or password is wrong \(invalid_credentials\)/,
    );

    const noToken = await api.run(['users', 'list']);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /VOICE_API_TOKEN/);
  });
});
