import { test } from 'node:test';
import assert from 'node:assert/strict';

import { namesFrom, numberFrom } from '../src/env.js';

test('a number is read within its rule, the default when unset or blank', () => {
  const rule = { min: 1, max: 60 };

  assert.equal(numberFrom({ X: ' 2.5 ' }, 'X', 9, rule), 2.5);
  assert.equal(numberFrom({}, 'X', 9, rule), 9);
  assert.equal(numberFrom({ X: '  ' }, 'X', 9, rule), 9);
  assert.throws(() => numberFrom({ X: '61' }, 'X', 9, rule), /X must be a number from 1 to 60/);
  assert.throws(() => numberFrom({ X: 'soon' }, 'X', 9, rule), /\(got "soon"\)/);
  assert.throws(
    () => numberFrom({ X: '2.5' }, 'X', 9, { ...rule, integer: true }),
    /X must be an integer from 1 to 60/,
  );
});

test('a list takes allowed names once each, in order; all of them when unset', () => {
  const allowed = ['uws', 'ws'] as const;

  assert.deepEqual(namesFrom({ T: 'ws, uws' }, 'T', allowed), ['ws', 'uws']);
  assert.deepEqual(namesFrom({ T: ' ' }, 'T', allowed), ['uws', 'ws']);
  assert.throws(() => namesFrom({ T: 'ws,ws' }, 'T', allowed), /T must list uws and\/or ws once/);
  assert.throws(() => namesFrom({ T: 'h2' }, 'T', allowed), /\(got "h2"\)/);
});
