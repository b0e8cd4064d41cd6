// Re-sending dead letters against a real HTTP peer: what the API takes leaves the file, what it
// refuses again stays with the new reason, and an unreachable API loses nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { ControlClient, DEAD_LETTER_FILE, resendDeadLetters } from '../../src/control/index.js';
import { ApiPeer } from './api-peer.js';

const TOKEN = 'service-token';
const BIN = fileURLToPath(new URL('../../../bin/voice-media-core.js', import.meta.url));

function letter(callId: string, id: string, reason = 'call not found'): string {
  const event = { id, type: 'turn', at: '2026-12-03T10:00:00.000Z', payload: { text: id } };

  return JSON.stringify({ at: '2026-12-03T10:00:01.000Z', callId, reason, status: 404, event });
}

describe('dead-letter re-send', () => {
  const peer = new ApiPeer(TOKEN);
  let dir: string;
  let client: ControlClient;

  const lines = [
    letter('late-call', 'ev-1'),
    JSON.stringify({ at: '2026-12-03T10:00:02.000Z', callId: 'late-call', reason: 'too big' }),
    letter('late-call', 'ev-2'),
    letter('ghost', 'ev-3'),
    'not json',
  ];

  before(async () => {
    await peer.start();
    client = new ControlClient({ baseUrl: peer.baseUrl, serviceToken: TOKEN, timeoutMs: 1000 });
  });
  after(async () => {
    await client.close();
    await peer.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dead-letters-'));
    await writeFile(join(dir, DEAD_LETTER_FILE), lines.map((line) => line + '\n').join(''));
  });

  it('sends what the API now takes and keeps the rest, the refused with the new reason', async () => {
    peer.calls.add('late-call');

    const summary = await resendDeadLetters(dir, client);

    assert.deepEqual(summary, { resent: 2, refused: 1, unsendable: 2, notTried: 0 });
    assert.deepEqual(peer.ids('late-call'), ['ev-1', 'ev-2']);
    assert.deepEqual(await readdir(dir), [DEAD_LETTER_FILE], 'the claimed file is gone');
    const kept = (await readFile(join(dir, DEAD_LETTER_FILE), 'utf8')).trim().split('\n');
    assert.equal(kept.length, 3);
    const ghost = JSON.parse(kept.find((line) => line.includes('ghost')) ?? '{}') as {
      code?: string;
      event?: { id: string };
      at?: string;
    };
    assert.equal(ghost.code, 'CONTROL_NOT_FOUND');
    assert.equal(ghost.event?.id, 'ev-3');
    assert.notEqual(ghost.at, '2026-12-03T10:00:01.000Z', 'the record says when it was refused');
    assert.ok(kept.includes('not json') && kept.includes(lines[1] ?? ''), 'unsendable lines stay');

    await rm(dir, { recursive: true });
  });

  it('with the API down, stops at the first failure and keeps every line as it was', async () => {
    await peer.stop();
    try {
      const summary = await resendDeadLetters(dir, client);

      assert.equal(summary.resent, 0);
      assert.equal(summary.notTried, 3);
      assert.match(summary.stoppedBy ?? '', /./);
      const kept = (await readFile(join(dir, DEAD_LETTER_FILE), 'utf8')).trim().split('\n');
      assert.deepEqual([...kept].sort(), [...lines].sort());
    } finally {
      await peer.start();
      await rm(dir, { recursive: true });
    }
  });

  it('runs as `voice-media-core resend-dead-letters` on the media core environment', async () => {
    peer.calls.add('late-call');
    peer.calls.add('ghost');
    const env = {
      ...process.env,
      OUTBOX_DIR: dir,
      CONTROL_API_URL: peer.baseUrl,
      CONTROL_SERVICE_TOKEN: TOKEN,
    };

    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'resend-dead-letters'], {
      env,
    });

    assert.match(stdout, /resent 3, refused again 0, not tried 0, without an event 2/);
    assert.deepEqual(peer.ids('ghost'), ['ev-3']);

    const bad = await promisify(execFile)(process.execPath, [BIN, 'resend-dead-letters', 'x'], {
      env,
    }).catch((error: { code: number; stderr: string }) => error);
    assert.equal((bad as { code: number }).code, 2);
    assert.match((bad as { stderr: string }).stderr, /unknown arguments: resend-dead-letters x/);
    await rm(dir, { recursive: true });
  });
});
