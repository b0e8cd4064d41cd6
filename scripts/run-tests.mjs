// Runs every compiled test file of the workspace with node's test runner.
// Tests are compiled by `npm run compile` into each package's dist/test folder, so what is
// tested is exactly what ships.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = [
  ...readdirSync('packages').map((name) => join('packages', name, 'dist', 'test')),
  join('bench', 'dist', 'test'),
];

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  if (!existsSync(dir)) return [];

  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);

    return name.endsWith('.test.js') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = roots.flatMap(findTests).filter((file) => !filter || file.includes(filter));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
