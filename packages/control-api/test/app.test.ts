// The app's edges: configuration rules, error shape, body limit, health, metrics, docs, CORS.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, parseCallingWindow } from '../src/config.js';
import { insideCallingWindow } from '../src/calls/window.js';
import { startTestApi } from './helpers.js';

describe('configuration', () => {
  test('production refuses to start without its secrets and names them', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /TWILIO_AUTH_TOKEN/);
        assert.match(error.message, /CONTROL_SERVICE_TOKEN/);
        assert.doesNotMatch(error.message, /JWT_SECRET_KEY/);
        return true;
      },
    );
  });

  test('the embedded default lists what it defaulted', () => {
    const config = loadConfig({});
    assert.equal(config.serviceToken, 'dev-service-token');
    assert.deepEqual(config.store, { kind: 'sqlite', path: './data/voice-agent.db' });
    assert.ok(config.defaulted.some((line) => line.startsWith('CONTROL_SERVICE_TOKEN')));
    assert.equal(loadConfig({ MONGODB_URI: 'mongodb://db:27017/voice' }).store.kind, 'mongodb');
  });

  test('bad values name the variable', () => {
    assert.throws(() => loadConfig({ CONTROL_API_PORT: 'http' }), /CONTROL_API_PORT/);
    assert.throws(() => loadConfig({ CALLING_WINDOW: '9-21' }), /CALLING_WINDOW/);
    assert.throws(() => loadConfig({ DEFAULT_TIME_ZONE: 'Atlantis/Central' }), /DEFAULT_TIME_ZONE/);
  });

  test('the calling window is read in the lead time zone and may wrap midnight', () => {
    const window = parseCallingWindow('09:00-21:00');
    // 03:30 UTC is 09:00 in Kolkata (UTC+5:30) and 22:30 the day before in Chicago (UTC-5).
    const at = new Date('2026-06-01T03:30:00Z');
    assert.equal(insideCallingWindow(window, at, 'Asia/Kolkata'), true);
    assert.equal(insideCallingWindow(window, at, 'America/Chicago'), false);
    assert.equal(
      insideCallingWindow(parseCallingWindow('22:00-02:00'), at, 'America/Chicago'),
      true,
    );
  });
});

describe('app edges', () => {
  test('unknown routes, oversize bodies and bad JSON answer in the error shape', async () => {
    const api = await startTestApi({ BODY_LIMIT_BYTES: '2048' });
    try {
      const missing = await api.app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' });
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(missing.json(), {
        error: { code: 'route_not_found', message: 'no route GET /api/v1/nothing' },
      });

      const big = await api.app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { ...api.auth.ops, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(4096), phone: '+919800000000' }),
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().error.code, 'body_too_large');

      const broken = await api.app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { ...api.auth.ops, 'content-type': 'application/json' },
        payload: '{"name":',
      });
      assert.equal(broken.statusCode, 400);
      assert.ok(broken.json().error.code);
    } finally {
      await api.app.close();
    }
  });

  test('health, metrics and docs need no token; CORS follows CORS_ORIGINS', async () => {
    const api = await startTestApi({ CORS_ORIGINS: 'https://ops.example.test' });
    try {
      const health = await api.app.inject({ method: 'GET', url: '/health' });
      assert.deepEqual(health.json(), { status: 'ok', store: { kind: 'sqlite', up: true } });

      const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
      for (const name of [
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'calls_total',
        'calls_failed_total',
        'asr_confidence_score',
        'auth_failures_total',
        'mongodb_up',
      ]) {
        assert.match(metrics, new RegExp(`^# TYPE ${name.replace('_bucket', '')} `, 'm'), name);
      }
      assert.match(metrics, /^mongodb_up 1$/m);
      assert.match(
        metrics,
        /^http_requests_total\{method="GET",route="\/health",status="200"\} 1$/m,
      );

      const spec = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
      assert.ok(spec.paths['/api/v1/leads']);
      assert.ok(spec.paths['/api/v1/calls/{id}/handoff']);
      assert.equal((await api.app.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true);

      const allowed = await api.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/leads',
        headers: { origin: 'https://ops.example.test', 'access-control-request-method': 'POST' },
      });
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://ops.example.test');
      const other = await api.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/leads',
        headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' },
      });
      assert.equal(other.headers['access-control-allow-origin'], undefined);

      await api.store.close();
      const down = await api.app.inject({ method: 'GET', url: '/health' });
      assert.equal(down.statusCode, 503);
      assert.match(
        (await api.app.inject({ method: 'GET', url: '/metrics' })).body,
        /^mongodb_up 0$/m,
      );
    } finally {
      await api.app.close();
    }
  });
});
