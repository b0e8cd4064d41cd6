// The API under a hostile peer: forged tokens, injection in filters, forged cursors, bad bodies,
// bad URLs, unsigned webhooks, lead-field abuse and duplicate-create races, on a real app.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSigner } from 'fast-jwt';
import { twilioSignature } from '../src/twilio/signature.js';
import { createLead, startTestApi, type TestApi } from './helpers.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Asserts the usual error shape, a status, and (when given) the field it names. */
function assertError(
  response: { statusCode: number; json: () => unknown; body: string },
  status: number,
  field?: string,
) {
  assert.equal(response.statusCode, status, response.body);
  assert.doesNotMatch(response.body, /\bat .+\.js:\d+/, 'no stack trace in a response');
  const body = response.json() as { error: { code: string; field?: string } };
  assert.equal(typeof body.error.code, 'string');
  if (field !== undefined) assert.equal(body.error.field, field);
}

/** Writes raw bytes to the API and reads until it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('the API did not close the socket')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('hostile peer', () => {
  let api: TestApi;
  /** POSTs a lead as an ops user, the answer unchecked. */
  const postLead = (payload: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/api/v1/leads', headers: api.auth.ops, payload });

  before(async () => {
    // Twilio's REST API is pointed at a closed local port: no call here may leave the machine.
    api = await startTestApi({
      TWILIO_AUTH_TOKEN: 'tw-secret',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
      CSV_LIMIT_BYTES: '4096',
    });
  });
  after(async () => {
    await api.app.close();
  });

  test('forged, foreign, expired and refresh tokens are refused on admin routes', async () => {
    const admin = await api.store.findUserByUsername('admin');
    assert.ok(admin);
    const claims = { sub: admin.id, username: 'admin', role: 'admin', typ: 'access' };
    const [head, payload, signature] = api.tokens.viewer.split('.');
    const promoted = { ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) };
    promoted.role = 'admin';
    const forged = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: 9_999_999_999 })}.`,
      createSigner({ key: 'another-key', algorithm: 'HS256' })(claims),
      createSigner({ key: 'test-secret', algorithm: 'HS256' })({ ...claims, iat: 900, exp: 1000 }),
      createSigner({ key: 'test-secret', algorithm: 'HS512' })(claims),
      api.ctx.tokens.issue(admin).refresh_token,
      `${head}.${b64(promoted)}.${signature}`,
    ];

    for (const token of forged) {
      const response = await api.app.inject({
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${token}` },
      });
      assertError(response, 401);
    }
    assertError(await api.app.inject({ url: '/api/v1/users', headers: api.auth.viewer }), 403);
  });

  test('guards run before validation: no token learns nothing about the body schema', async () => {
    const internal = await api.app.inject({
      method: 'POST',
      url: '/internal/v1/calls/x/events',
      payload: { events: [] },
    });
    assertError(internal, 401);

    const lead = await api.app.inject({ method: 'POST', url: '/api/v1/leads', payload: {} });
    assertError(lead, 401);

    const wrongService = await api.app.inject({
      url: '/internal/v1/calls/x/context',
      headers: { authorization: 'Bearer test-service-tokeX' },
    });
    assertError(wrongService, 401);
  });

  test('injection in filters is a 400 naming the field, never a match-all', async () => {
    await createLead(api, { name: 'Filter', phone: '9876501000' });
    const cases = [
      ["status=' OR 1=1 --", 'query.status'],
      ["phone=' OR 1=1 --", 'query.phone'],
      ["cursor=' OR 1=1 --", 'query.cursor'],
      ['phone[$ne]=1', 'query.phone[$ne]'],
    ] as const;

    for (const [query, field] of cases) {
      const response = await api.app.inject({
        url: `/api/v1/leads?${query}`,
        headers: api.auth.viewer,
      });
      assertError(response, 400, field);
    }

    const nosql = await postLead({ name: 'N', phone: { $ne: null } });
    assertError(nosql, 400, 'body.phone');
  });

  test('a forged cursor of the right shape but wrong content is a 400 naming cursor', async () => {
    const forged = [
      b64(["' OR 1=1 --", 'x']),
      b64(['2026-01-01T00:00:00.000Z', { $ne: null }]),
      b64(['2026-01-01T00:00:00.000Z', "x' OR '1'='1"]),
      b64({ at: 1 }),
      'AAE',
    ];

    for (const cursor of forged) {
      for (const url of ['/api/v1/leads', '/api/v1/calls', '/api/v1/audit']) {
        const response = await api.app.inject({
          url: `${url}?cursor=${cursor}`,
          headers: api.auth.admin,
        });
        assertError(response, 400, 'query.cursor');
      }
    }

    await createLead(api, { name: 'Page', phone: '9876501001' });
    const first = await api.app.inject({ url: '/api/v1/leads?limit=1', headers: api.auth.viewer });
    const next = (first.json() as { next_cursor: string | null }).next_cursor;
    assert.ok(next, 'a real cursor');
    const second = await api.app.inject({
      url: `/api/v1/leads?limit=1&cursor=${next}`,
      headers: api.auth.viewer,
    });
    assert.equal(second.statusCode, 200, 'the API still accepts its own cursors');
  });

  test('malformed JSON is a 400 naming the body; other bad bodies are 413 and 415', async () => {
    for (const payload of ['{"name":', '', '{"name":"a","__proto__":{"x":1}}']) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { ...api.auth.ops, 'content-type': 'application/json' },
        payload,
      });
      assertError(response, 400, 'body');
    }

    const xml = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { ...api.auth.ops, 'content-type': 'application/xml' },
      payload: '<lead/>',
    });
    assertError(xml, 415);

    const csv = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads/import',
      headers: { ...api.auth.ops, 'content-type': 'text/csv' },
      payload: 'name,phone\n' + 'Asha,9876543210\n'.repeat(400),
    });
    assertError(csv, 413);
  });

  test('a JSON body of the wrong type is refused, not converted; query strings still are', async () => {
    const cases = [
      [{ name: 'Typed', consent: 'true' }, 'body.consent'],
      [{ name: 'Typed', do_not_call: 1 }, 'body.do_not_call'],
      [{ name: 123 }, 'body.name'],
      [{ name: ['Typed'] }, 'body.name'],
      [{ name: 'Typed', loan_type: false }, 'body.loan_type'],
    ] as const;

    for (const [fields, field] of cases) {
      const response = await postLead({ phone: '9876508000', ...fields });
      assertError(response, 400, field);
      assert.match(response.json<{ error: { message: string } }>().error.message, /must be/);
    }
    const stored = await api.app.inject({
      url: '/api/v1/leads?phone=%2B919876508000',
      headers: api.auth.viewer,
    });
    assert.deepEqual(stored.json<{ items: unknown[] }>().items, [], 'nothing was stored');

    const page = await api.app.inject({ url: '/api/v1/leads?limit=1', headers: api.auth.viewer });
    assert.equal(page.statusCode, 200, 'limit=1 in a query string is read as a number');
  });

  test('bad URLs and over-long ids get the usual error shape', async () => {
    const longId = await api.app.inject({
      url: `/api/v1/leads/${'x'.repeat(150)}`,
      headers: api.auth.viewer,
    });
    assertError(longId, 400, 'params');

    const badEncoding = await api.app.inject({
      url: '/api/v1/leads/%E0%A4%A',
      headers: api.auth.viewer,
    });
    assertError(badEncoding, 400, 'url');

    const traversal = await api.app.inject({
      url: '/api/v1/leads/..%2F..%2Fetc%2Fpasswd',
      headers: api.auth.viewer,
    });
    assertError(traversal, 404);
  });

  test('lead text must be visible, short and free of control characters', async () => {
    const cases = [
      [{ name: '   ' }, 'body.name'],
      [{ name: 'A\u0000B' }, 'body.name'],
      [{ name: 'Evil\u202Egnp.exe' }, 'body.name'],
      [{ name: 'n'.repeat(201) }, 'body.name'],
      [{ name: 'A', loan_type: 'home\u0007' }, 'body.loan_type'],
      [{ name: 'A', time_zone: '' }, 'body.time_zone'],
    ] as const;

    for (const [fields, field] of cases) {
      const response = await postLead({ phone: '9876502000', ...fields });
      assertError(response, 400, field);
    }

    const lead = await createLead(api, {
      name: 'क्\u200Dष Devi',
      phone: '9876502001',
      notes: 'line one\nline two',
    });
    assert.equal(lead['name'], 'क्\u200Dष Devi', 'joiners Indic scripts need are kept');
  });

  test('CSV rows obey the same text rules as the JSON API', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/leads/import',
      headers: { ...api.auth.ops, 'content-type': 'text/csv' },
      payload: `name,phone\n${'n'.repeat(300)},9876503000\nOk,9876503001\n`,
    });
    assert.equal(response.statusCode, 200, response.body);
    const summary = response.json() as { created: number; errors: { field: string }[] };
    assert.equal(summary.created, 1);
    assert.equal(summary.errors[0]?.field, 'name');
  });

  test('an empty stored time zone falls back to the default instead of failing the call', async () => {
    const lead = await createLead(api, { name: 'Zone', phone: '9876504000', consent: true });
    await api.store.updateLead(lead.id, { time_zone: '' });

    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/calls',
      headers: api.auth.ops,
      payload: { lead_id: lead.id },
    });
    // Past the calling-window check (which read the zone), the call fails only at Twilio.
    assertError(response, 502);
    assert.equal((response.json() as { error: { code: string } }).error.code, 'twilio_error');
  });

  test('odd phone formats normalise to one E.164 number; junk is refused', async () => {
    const lead = await createLead(api, { name: 'Odd', phone: '0091-98765-05000' });
    assert.equal(lead.phone, '+919876505000');

    for (const phone of ['+91 98765 05000', '(987) 650-5000', '919876505000']) {
      const response = await postLead({ name: 'Dup', phone });
      assertError(response, 409, 'body.phone');
    }
    for (const phone of ['٩٨٧٦٥٤٣٢١٠', '++919876505001', '1e10', '+0000000000']) {
      const response = await postLead({ name: 'Junk', phone });
      assertError(response, 400, 'body.phone');
    }
  });

  test('concurrent creates with one phone: exactly one 201, the rest 409', async () => {
    const phones = ['9111106000', '+91 91111 06000', '09111106000', '919111106000'];
    const responses = await Promise.all(phones.map((phone) => postLead({ name: 'Race', phone })));
    const statuses = responses.map((response) => response.statusCode).sort();

    assert.deepEqual(statuses, [201, 409, 409, 409]);
  });

  test('webhooks: unsigned, badly signed and altered replays are 403', async () => {
    const url = '/api/v1/calls/inbound/webhook';
    const params = { CallSid: 'CAhostile', From: '+919876507000', To: '+911111111111' };
    const signature = twilioSignature('tw-secret', `http://127.0.0.1${url}`, params);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const attempts = [
      { headers: form, payload: new URLSearchParams(params).toString() },
      { headers: { ...form, 'x-twilio-signature': 'AAAA' }, payload: 'CallSid=CA1' },
      {
        headers: { ...form, 'x-twilio-signature': signature },
        payload: new URLSearchParams({ ...params, From: '+910000000000' }).toString(),
      },
      {
        headers: { ...form, 'x-twilio-signature': signature },
        payload: `${new URLSearchParams(params).toString()}&Extra=1`,
      },
    ];

    for (const attempt of attempts) {
      assertError(await api.app.inject({ method: 'POST', url, ...attempt }), 403);
    }

    const signed = await api.app.inject({
      method: 'POST',
      url,
      headers: { ...form, 'x-twilio-signature': signature },
      payload: new URLSearchParams(params).toString(),
    });
    assert.equal(signed.statusCode, 200, 'the untouched signed request is accepted');
  });
});

describe('malformed HTTP on a real socket', () => {
  let wire: TestApi;

  before(async () => {
    wire = await startTestApi();
  });
  after(async () => {
    await wire.app.close();
  });

  test('requests the HTTP parser refuses get the usual JSON error and a closed connection', async () => {
    const address = await wire.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const body = JSON.stringify({ name: 'Short', phone: '9876509000' });
    const requests = [
      // The declared length ends mid-body: the rest reads as a broken second request.
      `POST /api/v1/leads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: 5\r\n\r\n${body}`,
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Header Line\r\n\r\n',
    ];

    for (const request of requests) {
      const answer = await rawExchange(Number(port), request);
      const last = answer.lastIndexOf('HTTP/1.1 ');
      const [head = '', json = ''] = answer.slice(last).split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 400 /, answer);
      assert.match(head, /content-type: application\/json/i);
      const error = (JSON.parse(json) as { error: { code: string; field: string } }).error;
      assert.deepEqual([error.code, error.field], ['bad_request', 'request']);
    }
  });
});

describe('login brute force', () => {
  test('the login route answers 429 with Retry-After past its limit', async () => {
    const api = await startTestApi({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    const statuses: number[] = [];
    let retryAfter: string | string[] | number | undefined;

    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'x-forwarded-for': `10.0.0.${attempt}` },
        payload: { username: 'admin', password: 'wrong' },
      });
      statuses.push(response.statusCode);
      retryAfter ??= response.headers['retry-after'];
    }
    await api.app.close();

    assert.deepEqual(statuses, [401, 401, 401, 429, 429], 'X-Forwarded-For does not reset it');
    assert.ok(Number(retryAfter) > 0);
  });
});
