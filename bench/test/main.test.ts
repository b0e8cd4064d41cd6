import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

test('an unknown benchmark name fails with exit code 2 and lists the names', () => {
  const result = spawnSync(process.execPath, [MAIN, 'no-such-bench'], { encoding: 'utf8' });

  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown benchmark "no-such-bench": choose one of .*dsp/);
  assert.equal(result.stdout, '');
});
