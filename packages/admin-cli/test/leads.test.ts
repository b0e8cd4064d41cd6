// `voice-admin leads` against a real control API.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminToken, startApi, type ApiHarness } from './api-harness.js';

describe('voice-admin leads', () => {
  let api: ApiHarness;
  let env: Record<string, string>;
  before(async () => {
    api = await startApi();
    env = { VOICE_API_TOKEN: await adminToken(api) };
  });
  after(() => api.close());

  test('add, get, update, list (table and JSON), delete', async () => {
    const added = await api.run(
      [
        'leads',
        'add',
        '--name',
        'Asha Rao',
        '--phone',
        '98765 43210',
        '--language',
        'hi-IN',
        '--consent',
        '--json',
      ],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    const lead = JSON.parse(added.stdout);
    assert.equal(lead.phone, '+919876543210');
    assert.equal(lead.consent, true);

    const updated = await api.run(['leads', 'update', lead.id, '--do-not-call', '--json'], env);
    assert.equal(JSON.parse(updated.stdout).do_not_call, true);

    const shown = await api.run(['leads', 'get', lead.id], env);
    assert.match(shown.stdout, /^phone\s+\+919876543210$/m);

    const table = await api.run(['leads', 'list'], env);
    assert.match(table.stdout, /^ID\s+NAME\s+PHONE\s+LANGUAGE\s+STATUS\s+CONSENT\s+DO_NOT_CALL\n/);
    assert.match(table.stdout, /Asha Rao\s+\+919876543210\s+hi-IN\s+new\s+true\s+true/);

    const json = await api.run(['leads', 'list', '--json', '--phone', '+919876543210'], env);
    assert.deepEqual(
      JSON.parse(json.stdout).items.map((item: { id: string }) => item.id),
      [lead.id],
    );

    assert.equal(
      (await api.run(['leads', 'delete', lead.id], env)).stdout,
      `deleted lead ${lead.id}\n`,
    );
    const gone = await api.run(['leads', 'get', lead.id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^voice-admin: lead .* does not exist \(lead_not_found\)\n$/);
  });

  test('import prints the summary and per-row errors', async () => {
    const file = join(api.dir, 'leads.csv');
    await writeFile(
      file,
      'name,phone,consent\nRavi,9811111111,yes\nBad,12,no\nRavi again,09811111111,yes\n',
    );

    const result = await api.run(['leads', 'import', file], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      'rows 3: created 1, invalid 1, duplicates in file 1, already stored 0\n' +
        '  line 3: phone: phone is not a valid number (bad_length) (invalid_phone)\n' +
        '  line 4: phone: phone already appears on line 2 (duplicate_in_file)\n',
    );

    const missing = await api.run(['leads', 'import', join(api.dir, 'nope.csv')], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.csv: cannot read \(ENOENT\)/);
  });

  test('validation failures name the field', async () => {
    const bad = await api.run(['leads', 'add', '--name', 'X', '--phone', 'not a number'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\[body\.phone\] \(validation_failed\)/);
    const limit = await api.run(['leads', 'list', '--limit', '0'], env);
    assert.notEqual(limit.code, 0);
    assert.match(limit.stderr, /--limit.*positive integer/);
  });
});
