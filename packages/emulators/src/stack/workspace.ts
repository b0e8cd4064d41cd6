// Where the workspace is, and where the bins of its packages are, found the way npm links
// them: `node_modules/<package>/package.json`'s `bin` field, from the workspace root.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { StackError } from './errors.js';

/** The folder holding pnpm-workspace.yaml, searched upwards from `from` (default: this file). */
export function workspaceRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;

    const parent = dirname(dir);
    if (parent === dir) {
      throw new StackError('STACK_BIN_NOT_FOUND', `no pnpm-workspace.yaml above ${from}`);
    }
    dir = parent;
  }
}

/** Absolute path of the script behind bin `binName` of `packageName`, as installed at the root. */
export function binScript(packageName: string, binName: string, root = workspaceRoot()): string {
  const packageDir = join(root, 'node_modules', packageName);
  const manifestPath = join(packageDir, 'package.json');
  if (!existsSync(manifestPath)) {
    throw new StackError(
      'STACK_BIN_NOT_FOUND',
      `${packageName} is not installed in ${root}/node_modules: run npm run build`,
      binName,
    );
  }

  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: unknown };
  const bin = manifest.bin as Record<string, string> | undefined;
  const relative = bin?.[binName];
  if (relative === undefined) {
    throw new StackError('STACK_BIN_NOT_FOUND', `${packageName} has no bin ${binName}`, binName);
  }

  return join(packageDir, relative);
}
