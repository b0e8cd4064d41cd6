import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { FaultPlan } from '../../src/faults/fault-plan.js';
import { FaultSpecError } from '../../src/faults/fault-spec.js';

describe('fault plan', () => {
  it('applies faults in injection order, each to its count of requests', () => {
    const plan = new FaultPlan();
    plan.inject({ kind: 'fail', code: 503, count: 2 });
    plan.inject({ kind: 'latency', ms: 100 });

    assert.deepEqual(
      [plan.take(), plan.take(), plan.take(), plan.take()].map((fault) => fault?.kind),
      ['fail', 'fail', 'latency', undefined],
    );
    assert.equal(plan.applied, 3);
  });

  it('rejects credentials until cleared, ahead of other faults', () => {
    const plan = new FaultPlan();
    plan.inject({ kind: 'latency', ms: 10 });
    plan.inject({ kind: 'auth' });

    for (let i = 0; i < 5; i += 1) assert.equal(plan.take()?.kind, 'auth');
    plan.clear();
    assert.equal(plan.take(), undefined);
  });

  it('names the field and the rule of a bad spec', () => {
    const plan = new FaultPlan();
    assert.throws(() => plan.inject({ kind: 'fail', count: 0 }), {
      name: 'Error',
      message: 'count: must be an integer >= 1',
    });
    assert.throws(() => plan.inject({ kind: 'latency', ms: -1 }), FaultSpecError);
    assert.throws(() => plan.inject({ kind: 'fail', code: 'lower' }), { message: /^code: / });
  });
});

describe('voice-emulators bin', () => {
  it('starts every emulator on the configured ports, prints where, and stops on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../../../bin/voice-emulators.js', import.meta.url));
    const child = spawn(process.execPath, [bin], {
      env: {
        ...process.env,
        EMULATOR_GOOGLE_SPEECH_PORT: '0',
        EMULATOR_GOOGLE_TTS_PORT: '0',
        EMULATOR_SARVAM_PORT: '0',
        EMULATOR_OPENAI_PORT: '0',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');

    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // One line per emulator; the bin prints them once every emulator listens.
      while (output.split('\n').length < 5) await once(child.stdout, 'data');

      const lines = output.trim().split('\n');
      assert.deepEqual(
        lines.map((line) => line.split(/\s+/)[0]),
        ['google-speech', 'google-tts', 'sarvam', 'openai'],
      );
      const sarvamUrl = /url=(\S+)/.exec(lines[2] ?? '')?.[1];
      const stats = await fetch(`${sarvamUrl}/__admin/stats`);
      assert.equal(stats.status, 200);
    } finally {
      child.kill('SIGTERM');
    }

    const [code] = await exited;
    assert.equal(code, 0);
  });

  it('answers --help with its usage, and refuses arguments it does not take', async () => {
    const bin = fileURLToPath(new URL('../../../bin/voice-emulators.js', import.meta.url));
    const run = promisify(execFile);

    const help = await run(process.execPath, [bin, '--help']);
    assert.match(help.stdout, /^usage: voice-emulators/);

    const bad = await run(process.execPath, [bin, '--port', '1']).then(
      () => assert.fail('unknown arguments must fail'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown arguments: --port 1/);
  });
});
