// Runs each service the way deploy/kubernetes runs it: the container's command and plain env
// values from its Deployment, with the listening address moved to 127.0.0.1 and port 0.
//
// Why processes and not the app factories in-process: the Deployment's command is what ships,
// and whatever that command wires (server, speech, conversation, outbox metrics) is what
// Prometheus scrapes. It also keeps this package from importing @voice-agent/control-api,
// which already depends on this package (a project-reference cycle tsc -b refuses).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from './deploy-queries.js';

/** How long a service may take to say it listens, in ms. */
const START_TIMEOUT_MS = 30_000;

/** How long a service may take to exit after SIGTERM before it is killed, in ms. */
const STOP_TIMEOUT_MS = 10_000;

/** One container of a Deployment in deploy/kubernetes. */
export interface DeployedContainer {
  /** The Deployment's name. */
  deployment: string;
  /** The container's command (argv), paths relative to the image's WORKDIR (the repo root). */
  command: string[];
  /** Env entries with a plain `value` (secrets are not read). */
  env: Record<string, string>;
}

/** Every container of every Deployment in deploy/kubernetes/*.yaml. */
export async function deployedContainers(): Promise<DeployedContainer[]> {
  const dir = join(repositoryRoot(), 'deploy', 'kubernetes');
  const files = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const containers: DeployedContainer[] = [];

  for (const file of files) {
    const documents = parseAllDocuments(await readFile(join(dir, file), 'utf8'));
    for (const document of documents) {
      containers.push(...containersOf(document.toJS() as Manifest | null));
    }
  }

  return containers;
}

/** A Kubernetes manifest, as far as this reads it. */
interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: ManifestContainer[] } } };
}

/** A container of a pod template, as far as this reads it. */
interface ManifestContainer {
  command?: string[];
  env?: { name: string; value?: string }[];
}

function containersOf(manifest: Manifest | null): DeployedContainer[] {
  if (manifest?.kind !== 'Deployment') return [];

  const deployment = manifest.metadata?.name ?? '(unnamed)';

  return (manifest.spec?.template?.spec?.containers ?? []).map((container) => ({
    deployment,
    command: container.command ?? [],
    env: Object.fromEntries(
      (container.env ?? []).flatMap((entry) =>
        entry.value === undefined ? [] : [[entry.name, entry.value]],
      ),
    ),
  }));
}

/** A service process started from its Deployment. */
export interface RunningService {
  /** The Deployment it came from. */
  deployment: string;
  /** `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** GET /metrics, as text; throws on a non-200 answer. */
  scrape(): Promise<string>;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; removes its temp folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a container's command on this machine. Listen addresses go to 127.0.0.1:0, state
 * (SQLite file, outbox journals) to a temp folder that is the process's working directory,
 * and `overrides` replace the manifest's env values (e.g. the control API's address).
 */
export async function startDeployed(
  container: DeployedContainer,
  overrides: Record<string, string> = {},
): Promise<RunningService> {
  const root = repositoryRoot();
  const workDir = await mkdtemp(join(tmpdir(), 'voice-deploy-check-'));
  const [program, ...args] = container.command;
  if (program !== 'node') {
    throw new Error(`${container.deployment}: command must start with "node", got "${program}"`);
  }

  const child = spawn(
    process.execPath,
    args.map((arg) => resolveArg(root, arg)),
    {
      cwd: workDir,
      env: serviceEnv(container.env, workDir, overrides),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = stopper(child, workDir);
  try {
    const baseUrl = await listeningUrl(child, container.deployment);

    return { deployment: container.deployment, baseUrl, scrape: () => scrape(baseUrl), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Script paths in the command are relative to the image's WORKDIR, the repository root. */
function resolveArg(root: string, arg: string): string {
  return /^[\w@.-][\w@./-]*\.m?js$/.test(arg) ? join(root, arg) : arg;
}

/** The manifest's env with every *_HOST on loopback and every *_PORT on 0 (a free port). */
function serviceEnv(
  manifest: Record<string, string>,
  workDir: string,
  overrides: Record<string, string>,
): NodeJS.ProcessEnv {
  const local = Object.fromEntries(
    Object.entries(manifest).map(([name, value]) => {
      if (name.endsWith('_HOST')) return [name, '127.0.0.1'];
      if (name.endsWith('_PORT')) return [name, '0'];

      return [name, value];
    }),
  );

  return {
    PATH: process.env.PATH,
    HOME: workDir,
    LOG_LEVEL: 'info',
    SQLITE_PATH: join(workDir, 'voice-agent.db'),
    OUTBOX_DIR: join(workDir, 'outbox'),
    DSP_THREADS: '1',
    ...local,
    ...overrides,
  };
}

/** Reads the JSON log lines on stdout until one says where the service listens. */
function listeningUrl(child: ChildProcess, deployment: string): Promise<string> {
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => fail('did not say it listens'), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${deployment} ${why}; stderr: ${stderr.join('').slice(-2000)}`));
    };

    child.once('exit', (code) => fail(`exited with ${code} before listening`));
    lines.on('line', (line) => {
      const url = urlInLogLine(line);
      if (url === undefined) return;

      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(url);
    });
  });
}

/**
 * The address in a "listening" log line: the control API logs `address` (a URL), the media
 * core logs `port`. Other lines, and lines that are not JSON, give nothing.
 */
function urlInLogLine(line: string): string | undefined {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof record.msg !== 'string' || !record.msg.includes('listening')) return undefined;

  if (typeof record.address === 'string') return record.address.replace(/\/$/, '');
  if (typeof record.port === 'number') return `http://127.0.0.1:${record.port}`;

  return undefined;
}

async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics: ${response.status}`);

  return body;
}

function stopper(child: ChildProcess, workDir: string): () => Promise<void> {
  let stopping: Promise<void> | undefined;

  return () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // A service that does not drain in time is killed so the test process can exit.
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(workDir, { recursive: true, force: true });
    })();

    return stopping;
  };
}
