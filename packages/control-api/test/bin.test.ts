// The voice-control-api bin from the outside: what an operator who types it gets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = fileURLToPath(new URL('../../bin/voice-control-api.js', import.meta.url));
const run = promisify(execFile);

describe('voice-control-api bin', () => {
  it('answers --help with its usage and where its configuration is described', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);

    assert.match(stdout, /^usage: voice-control-api/);
    assert.match(stdout, /deploy\/README\.md/);
  });

  it('refuses arguments it does not take instead of starting', async () => {
    const failure = await run(process.execPath, [BIN, '--port', '4000']).then(
      () => assert.fail('unknown arguments must fail'),
      (error: { code: number; stderr: string }) => error,
    );

    assert.equal(failure.code, 2);
    assert.match(failure.stderr, /unknown arguments: --port 4000/);
  });

  it('names every missing secret when production mode lacks them', async () => {
    const failure = await run(process.execPath, [BIN], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    }).then(
      () => assert.fail('production without secrets must not start'),
      (error: { code: number; stderr: string }) => error,
    );

    assert.equal(failure.code, 2, 'a configuration error exits 2');
    assert.match(failure.stderr, /^voice-control-api: production needs JWT_SECRET_KEY, /);
    assert.match(failure.stderr, /TWILIO_AUTH_TOKEN/);
  });
});
