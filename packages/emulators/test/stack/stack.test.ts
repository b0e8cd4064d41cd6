// The local stack's own behaviour: real child processes of the real bins, health waits,
// stopping and restarting one service, an idempotent close that leaves no process behind, and
// start failures that name the service and its log.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ChildService } from '../../src/stack/child-service.js';
import { emulatorUrls, parseEmulatorTable } from '../../src/stack/emulator-urls.js';
import { StackError } from '../../src/stack/errors.js';
import { freePorts } from '../../src/stack/free-port.js';
import { waitForHttpOk } from '../../src/stack/health.js';
import { startLocalStack, type LocalStack } from '../../src/stack/local-stack.js';

const logsDir = mkdtempSync(join(tmpdir(), 'voice-stack-test-'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function status(url: string): Promise<number> {
  const response = await fetch(url).catch(() => undefined);
  await response?.arrayBuffer();

  return response?.status ?? 0;
}

describe('local stack', { timeout: 60_000 }, () => {
  let stack: LocalStack;

  before(async () => {
    stack = await startLocalStack({ logsDir });
  });
  after(async () => {
    await stack?.close();
  });

  it('starts every service on loopback and reports where each listens', async () => {
    assert.equal(await status(`${stack.controlApiUrl}/health`), 200);
    assert.equal(await status(`${stack.mediaHttpUrl}/health`), 200);
    for (const name of ['google-speech', 'google-tts', 'sarvam', 'openai']) {
      assert.match(stack.emulators[name]?.['admin'] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, name);
    }
    assert.deepEqual([...stack.emulated].sort(), ['google', 'openai', 'sarvam', 'twilio']);
    assert.ok(stack.twilio?.baseUrl.startsWith('http://127.0.0.1:'));
  });

  it('restarts one service on the same port while the others keep running', async () => {
    await stack.stop('control-api');
    assert.equal(await status(`${stack.controlApiUrl}/health`), 0);
    assert.equal(await status(`${stack.mediaHttpUrl}/health`), 200);

    await stack.start('control-api');
    assert.equal(await status(`${stack.controlApiUrl}/health`), 200);
  });

  it('closes idempotently and leaves no child process running', async () => {
    const names = ['emulators', 'control-api', 'media-core'] as const;
    const pids = names.map((name) => stack.pid(name));
    assert.ok(pids.every((pid) => pid !== undefined && alive(pid)));

    await Promise.all([stack.close(), stack.close()]);
    await stack.close();

    for (const pid of pids) assert.equal(alive(pid as number), false, `process ${pid} is gone`);
    assert.equal(await status(`${stack.controlApiUrl}/health`), 0);
  });
});

describe('child service', { timeout: 20_000 }, () => {
  const script = (name: string, body: string): string => {
    const path = join(logsDir, name);
    writeFileSync(path, body);

    return path;
  };

  it('fails fast, naming the service and its log, when the process exits before it is ready', async () => {
    const start = ChildService.start({
      name: 'broken',
      script: script(
        'broken.mjs',
        "console.error('config: BAD_VAR must be set'); process.exit(2);",
      ),
      env: process.env,
      logPath: join(logsDir, 'broken.log'),
      ready: (_service, signal) => waitForHttpOk('http://127.0.0.1:9/health', signal),
      readyTimeoutMs: 10_000,
      stopTimeoutMs: 1000,
    });

    await assert.rejects(start, (error: StackError) => {
      assert.equal(error.code, 'STACK_START_FAILED');
      assert.equal(error.service, 'broken');
      assert.match(error.message, /exited with code 2.*broken\.log\nconfig: BAD_VAR must be set/s);
      return true;
    });
  });

  it('times out a service that never answers, and kills it', async () => {
    const pidFile = join(logsDir, 'hang.pid');
    const start = ChildService.start({
      name: 'hang',
      script: script(
        'hang.mjs',
        `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`,
      ),
      env: process.env,
      logPath: join(logsDir, 'hang.log'),
      ready: (_service, signal) => waitForHttpOk('http://127.0.0.1:9/health', signal),
      readyTimeoutMs: 500,
      stopTimeoutMs: 300,
    });

    await assert.rejects(start, { code: 'STACK_NOT_READY', message: /not ready after 500 ms/ });
    assert.equal(alive(Number(readFileSync(pidFile, 'utf8'))), false, 'SIGKILL after the grace');
  });
});

describe('stack helpers', () => {
  it('hands out distinct free ports below the ephemeral range', async () => {
    const ports = await freePorts(6);

    assert.equal(new Set(ports).size, 6);
    for (const port of ports) assert.ok(port >= 20_000 && port < 32_768, String(port));
  });

  it('reads the emulators table into the URLs the media core takes', () => {
    const table = parseEmulatorTable([
      '{"level":30,"msg":"not a table line"}',
      'google-speech  url=grpc://127.0.0.1:5001  admin=http://127.0.0.1:5002',
      'google-tts     url=grpc://127.0.0.1:5003  admin=http://127.0.0.1:5004',
      'sarvam         url=http://127.0.0.1:5005  admin=http://127.0.0.1:5005',
      'openai         url=http://127.0.0.1:5006  admin=http://127.0.0.1:5006',
    ]);

    assert.deepEqual(emulatorUrls(table), {
      googleSpeech: '127.0.0.1:5001',
      googleTts: '127.0.0.1:5003',
      sarvam: 'http://127.0.0.1:5005',
      openai: 'http://127.0.0.1:5006/v1',
    });
  });
});
