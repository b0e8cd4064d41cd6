import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthState } from '../../src/ops/health.js';
import { reportProviderHealth } from '../../src/ops/provider-health.js';
import { BreakerRegistry } from '../../src/speech/breaker.js';

describe('provider health on /health', () => {
  it('is degraded while a breaker is open and ok again once it closes', () => {
    const breakers = new BreakerRegistry();
    const health = new HealthState(() => 0);
    const stop = reportProviderHealth(breakers, health);

    breakers.emit('open', 'asr:google', 'auth');
    assert.equal(health.report().status, 'degraded');
    assert.deepEqual(health.report().degraded, { 'asr:google': 'breaker open: auth' });
    assert.equal(health.httpStatus(), 200, 'a degraded pod still takes calls');

    breakers.emit('close', 'asr:google');
    assert.equal(health.report().status, 'ok');

    stop();
    breakers.emit('open', 'tts:sarvam', 'server');
    assert.equal(health.report().status, 'ok', 'no reporting after stop');
    breakers.close();
  });
});
