// Configuration from the environment: defaults, and errors that name the variable and rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/index.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);

    return error;
  }

  return assert.fail('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});

    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.transport, 'uws');
    assert.equal(config.controlApiUrl, 'http://127.0.0.1:3000');
    assert.equal(config.twilioAuthToken, undefined);
    assert.ok(config.dspThreads >= 1);
    assert.equal(config.dspTickMs, 20);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      MEDIA_PORT: '9000',
      MEDIA_HOST: '0.0.0.0',
      MEDIA_TRANSPORT: 'ws',
      MEDIA_PUBLIC_URL: 'wss://voice.example.com/media',
      TWILIO_AUTH_TOKEN: 'secret',
      MEDIA_MAX_CONNECTIONS: '500',
      MEDIA_MAX_CONNECTIONS_PER_IP: '50',
      MEDIA_IDLE_TIMEOUT_MS: '5000',
      DRAIN_TIMEOUT_MS: '30000',
      DSP_THREADS: '3',
      DSP_TICK_MS: '5',
      CONTROL_API_URL: 'http://control:3000',
      CONTROL_SERVICE_TOKEN: 'svc',
      LOG_LEVEL: 'debug',
    });

    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.transport, 'ws');
    assert.equal(config.publicUrl, 'wss://voice.example.com/media');
    assert.equal(config.maxConnections, 500);
    assert.equal(config.maxConnectionsPerIp, 50);
    assert.equal(config.idleTimeoutMs, 5000);
    assert.equal(config.drainTimeoutMs, 30000);
    assert.equal(config.dspThreads, 3);
    assert.equal(config.dspTickMs, 5);
    assert.equal(config.controlServiceToken, 'svc');
    assert.equal(config.logLevel, 'debug');
  });

  it('names the variable and the rule for a bad value', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ MEDIA_PORT: '80a' }, 'MEDIA_PORT', /integer from 0 to 65535/],
      [{ MEDIA_PORT: '70000' }, 'MEDIA_PORT', /integer from 0 to 65535/],
      [{ MEDIA_TRANSPORT: 'tcp' }, 'MEDIA_TRANSPORT', /one of uws, ws/],
      [{ MEDIA_PUBLIC_URL: 'https://x/media' }, 'MEDIA_PUBLIC_URL', /wss:/],
      [{ MEDIA_IDLE_TIMEOUT_MS: '-1' }, 'MEDIA_IDLE_TIMEOUT_MS', /integer/],
      [{ DSP_THREADS: '0' }, 'DSP_THREADS', /from 1/],
      [{ DSP_TICK_MS: '0' }, 'DSP_TICK_MS', /from 1/],
      [{ CONTROL_API_URL: 'not a url' }, 'CONTROL_API_URL', /absolute URL/],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    ];

    for (const [env, variable, rule] of cases) {
      const error = configError(env);
      assert.equal(error.variable, variable);
      assert.equal(error.code, 'MEDIA_CONFIG_INVALID');
      assert.match(error.message, rule);
      assert.ok(error.message.startsWith(variable));
    }
  });

  it('refuses to run in production without TWILIO_AUTH_TOKEN', () => {
    const error = configError({ NODE_ENV: 'production' });

    assert.equal(error.variable, 'TWILIO_AUTH_TOKEN');
    assert.equal(loadConfig({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 't' }).production, true);
  });
});
