// A real control API on a port of 127.0.0.1 over a temporary SQLite file, and a runner of the
// real `voice-admin` pointed at it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore, buildApp, loadConfig, type ControlApi } from '@voice-agent/control-api';

/** The compiled CLI entry. */
const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));

/** A running API and how to reach it. */
export interface ApiHarness extends ControlApi {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The SQLite file the API and `users create` share. */
  sqlitePath: string;
  /** Working folder of the CLI runs. */
  dir: string;
  /** Runs `voice-admin ARGS` with VOICE_API_URL set, plus `env`, feeding `stdin`. */
  run(
    args: string[],
    env?: Record<string, string>,
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Closes the API and removes the folder. */
  close(): Promise<void>;
}

/** Starts the control API (bcrypt cost 4) on a temporary SQLite file. */
export async function startApi(env: Record<string, string> = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'voice-admin-api-'));
  const sqlitePath = join(dir, 'voice-agent.db');
  const config = loadConfig({
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: sqlitePath,
    CALLING_WINDOW: '00:00-24:00',
    ...env,
  });
  const api = await buildApp({ config, store: new SqliteStore(sqlitePath) });
  const url = await api.app.listen({ port: 0, host: '127.0.0.1' });

  const run: ApiHarness['run'] = (args, extraEnv = {}, stdin) =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: dir,
          timeout: 30_000,
          env: {
            ...process.env,
            VOICE_API_URL: url,
            SQLITE_PATH: sqlitePath,
            BCRYPT_COST: '4',
            ...extraEnv,
          },
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(stdin ?? '');
    });

  return {
    ...api,
    url,
    sqlitePath,
    dir,
    run,
    close: async () => {
      await api.app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates an admin with the CLI and logs in with it; answers the access token. */
export async function adminToken(api: ApiHarness): Promise<string> {
  await api.run([
    'users',
    'create',
    '--username',
    'root',
    '--password',
    'root password 1',
    '--role',
    'admin',
  ]);
  const login = await api.run(
    ['users', 'login', '--username', 'root', '--password-stdin'],
    {},
    'root password 1\n',
  );
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);

  return login.stdout.trim();
}
