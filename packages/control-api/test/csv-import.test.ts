// CSV parsing and lead import: quoting, bad numbers, duplicates (file and store), 10,000 rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCsv } from '../src/leads/csv.js';
import { normalizePhone } from '../src/leads/phone.js';
import { createLead, startTestApi, type TestApi } from './helpers.js';

describe('csv reader', () => {
  test('reads quotes, doubled quotes, embedded newlines, CRLF and a byte-order mark', () => {
    const text = '\ufeffname,notes\r\n"Doe, Jane","said ""call later""\nafter 6"\r\n\r\nBob,\n';
    assert.deepEqual(parseCsv(text), [
      { line: 1, fields: ['name', 'notes'] },
      { line: 2, fields: ['Doe, Jane', 'said "call later"\nafter 6'] },
      { line: 5, fields: ['Bob', ''] },
    ]);
  });

  test('an unterminated quote is an error naming its line', () => {
    assert.throws(() => parseCsv('name\n"open'), /line 2/);
  });
});

describe('phone normalisation', () => {
  test('national, trunk-prefixed and international forms reach E.164', () => {
    assert.deepEqual(normalizePhone('98765 43210'), { ok: true, e164: '+919876543210' });
    assert.deepEqual(normalizePhone('098765-43210'), { ok: true, e164: '+919876543210' });
    assert.deepEqual(normalizePhone('919876543210'), { ok: true, e164: '+919876543210' });
    assert.deepEqual(normalizePhone('0044 20 7946 0958'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(normalizePhone('+1 (415) 555-0100'), { ok: true, e164: '+14155550100' });
  });

  test('junk, too short and too long numbers are refused with the reason', () => {
    assert.deepEqual(normalizePhone(''), { ok: false, problem: 'empty' });
    assert.deepEqual(normalizePhone('98x65'), { ok: false, problem: 'bad_characters' });
    assert.deepEqual(normalizePhone('+12345'), { ok: false, problem: 'bad_length' });
    assert.deepEqual(normalizePhone('+1234567890123456'), { ok: false, problem: 'bad_length' });
  });
});

describe('POST /api/v1/leads/import', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.app.close());

  const upload = (body: string, headers = api.auth.ops) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/leads/import',
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: body,
    });

  test('reports bad rows, duplicates within the file and against the store', async () => {
    await createLead(api, { name: 'Existing', phone: '+919900000001' });
    const csv = [
      'Name,Phone,Language,Consent,Region',
      'Asha,+91 99000 00002,hi-IN,yes,north',
      'Existing again,9900000001,,no,south',
      'Bad number,12ab,,,',
      ',9900000003,,,',
      'Asha twin,099000 00002,,,',
      'Bad consent,9900000004,,maybe,',
      'Bad language,9900000005,Hindi,,',
      'Ravi,9900000006,ta-IN,1,',
    ].join('\n');

    const response = await upload(csv);
    assert.equal(response.statusCode, 200);
    const summary = response.json();
    assert.equal(summary.total_rows, 8);
    assert.equal(summary.created, 2);
    assert.equal(summary.invalid, 4);
    assert.equal(summary.duplicates_in_file, 1);
    assert.equal(summary.duplicates_in_store, 1);
    assert.deepEqual(summary.ignored_columns, ['region']);
    assert.deepEqual(
      summary.errors.map(
        (error: { line: number; field: string; code: string }) =>
          `${error.line}:${error.field}:${error.code}`,
      ),
      [
        '3:phone:duplicate_in_store',
        '4:phone:invalid_phone',
        '5:name:required',
        '6:phone:duplicate_in_file',
        '7:consent:invalid_boolean',
        '8:language:invalid_language',
      ],
    );

    const asha = (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/leads?phone=%2B919900000002',
        headers: api.auth.viewer,
      })
    ).json();
    assert.equal(asha.items[0].consent, true);
    assert.equal(asha.items[0].source, 'csv');
  });

  test('a file without the phone column or with an open quote is refused whole', async () => {
    const noPhone = await upload('name,mobile\nA,9900000010\n');
    assert.equal(noPhone.statusCode, 400);
    assert.equal(noPhone.json().error.field, 'phone');

    const openQuote = await upload('name,phone\n"A,9900000011\n');
    assert.equal(openQuote.statusCode, 400);
    assert.equal(openQuote.json().error.code, 'csv_syntax');

    const json = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads/import',
      headers: api.auth.ops,
      payload: { name: 'x' },
    });
    assert.equal(json.statusCode, 415);
    assert.equal((await upload('name,phone\n', api.auth.viewer)).statusCode, 403);
  });

  test('10,000 rows (with 100 repeats) import within a few seconds', async () => {
    const rows = ['name,phone,consent'];
    for (let index = 0; index < 10_000; index += 1) {
      const number = 7_000_000_000 + (index % 9_900);
      rows.push(`Lead ${index},${number},yes`);
    }

    const started = performance.now();
    const response = await upload(rows.join('\n'));
    const elapsedMs = performance.now() - started;

    assert.equal(response.statusCode, 200);
    const summary = response.json();
    assert.equal(summary.total_rows, 10_000);
    assert.equal(summary.created, 9_900);
    assert.equal(summary.duplicates_in_file, 100);
    assert.ok(elapsedMs < 10_000, `import took ${elapsedMs.toFixed(0)} ms`);
    console.log(`# 10,000-row CSV import: ${elapsedMs.toFixed(0)} ms`);

    const again = (await upload(rows.slice(0, 101).join('\n'))).json();
    assert.equal(again.created, 0);
    assert.equal(again.duplicates_in_store, 100);
  });
});
