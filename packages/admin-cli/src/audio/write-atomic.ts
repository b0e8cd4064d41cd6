// Writes a file so that readers see either nothing or the whole of it.
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../cli-error.js';

/**
 * Writes `bytes` to a temporary file in the folder of `path`, then renames it over `path`:
 * a rename within one folder is atomic, so a failure never leaves a partial output file.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);

  try {
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError('OUTPUT_FAILED', `${path}: cannot write (${reason})`, { cause: error });
  }
}
