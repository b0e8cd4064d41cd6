import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEFAULT_SCRIPTS, soakOptions } from '../../src/soak/options.js';

test('the full run lasts 3 minutes with 8 calls, at least a sixth of it warm-up', () => {
  const options = soakOptions([], {});

  assert.deepEqual(options, {
    durationMs: 180_000,
    concurrentCalls: 8,
    sampleMs: 5000,
    warmupMs: 30_000,
    scripts: DEFAULT_SCRIPTS,
    quick: false,
  });
});

test('--quick and SOAK_QUICK=1 shorten the run to 45 s, sampled every 3 s', () => {
  for (const options of [soakOptions(['--quick'], {}), soakOptions([], { SOAK_QUICK: '1' })]) {
    assert.equal(options.quick, true);
    assert.equal(options.durationMs, 45_000);
    assert.equal(options.warmupMs, 7500);
    assert.equal(options.sampleMs, 3000);
  }
});

test('the environment overrides every figure', () => {
  const options = soakOptions([], {
    SOAK_SECONDS: '600',
    SOAK_CALLS: '20',
    SOAK_SAMPLE_SECONDS: '2',
    SOAK_WARMUP_SECONDS: '90',
    SOAK_SCRIPTS: 'loan-en-IN, handoff-dtmf',
  });

  assert.equal(options.durationMs, 600_000);
  assert.equal(options.concurrentCalls, 20);
  assert.equal(options.sampleMs, 2000);
  assert.equal(options.warmupMs, 90_000);
  assert.deepEqual(options.scripts, ['loan-en-IN', 'handoff-dtmf']);
});

test('a bad value is refused with the variable and its rule', () => {
  assert.throws(() => soakOptions([], { SOAK_CALLS: '2.5' }), /SOAK_CALLS must be an integer/);
  assert.throws(() => soakOptions([], { SOAK_CALLS: '0' }), /SOAK_CALLS must be .* from 1 to 200/);
  assert.throws(() => soakOptions([], { SOAK_SECONDS: 'soon' }), /SOAK_SECONDS must be a number/);
  assert.throws(
    () => soakOptions([], { SOAK_SECONDS: '60', SOAK_WARMUP_SECONDS: '60' }),
    /SOAK_WARMUP_SECONDS must be shorter than the run \(60 s\)/,
  );
  assert.throws(
    () => soakOptions([], { SOAK_SCRIPTS: 'loan-en-IN,../etc/passwd' }),
    /SOAK_SCRIPTS must be comma-separated script names/,
  );
});
