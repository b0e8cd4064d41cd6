import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fixed, formatTable, machineInfo, median, percentile, quantileRow } from '../src/report.js';

test('median of odd and even counts, NaN when empty', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('percentiles by nearest rank, and a quantile row of count, p50, p95, p99, max', () => {
  const values = Array.from({ length: 100 }, (_, index) => 100 - index);

  assert.equal(percentile(values, 95), 95);
  assert.equal(percentile([7], 1), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.deepEqual(quantileRow('m', values), ['m', '100', '50.5', '95.0', '99.0', '100.0']);
  assert.deepEqual(quantileRow('none', []), ['none', '0', '–', '–', '–', '–']);
});

test('tables print as aligned Markdown', () => {
  const text = formatTable({ title: 'T', columns: ['a', 'long name'], rows: [['xyz', '1']] });

  assert.equal(
    text,
    ['### T', '', '| a   | long name |', '|-----|-----------|', '| xyz | 1         |'].join('\n'),
  );
  assert.equal(fixed(Infinity, 2), '–');
  assert.equal(fixed(1.234, 1), '1.2');
});

test('machine info names the CPU, cores, Node version and date', () => {
  const machine = machineInfo();

  assert.ok(machine.cores >= 1);
  assert.equal(machine.node, process.version);
  assert.ok(!Number.isNaN(Date.parse(machine.date)));
});
