import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DspHealthReporter } from '../../src/ops/dsp-health.js';
import { HealthState } from '../../src/ops/health.js';

describe('DSP worker failures on /health', () => {
  it('is degraded with the count while failures are recent, and ok after a quiet window', async () => {
    const health = new HealthState(() => 0);
    const reporter = new DspHealthReporter(health, 200);

    reporter.workerFailed();
    reporter.workerFailed();
    assert.equal(health.report().status, 'degraded');
    assert.match(health.report().degraded?.['dsp'] ?? '', /^2 worker failures in the last 0 s/);
    assert.equal(health.httpStatus(), 200, 'a degraded pod still takes calls');

    await sleep(120);
    reporter.workerFailed();
    await sleep(120);
    assert.equal(health.report().status, 'degraded', 'the window restarts at each failure');

    await sleep(200);
    assert.equal(health.report().status, 'ok');
    assert.equal(health.report().degraded, undefined);
    reporter.close();
  });
});
