// Graceful drain: new streams refused, /health 503, no call cut inside the window, the rest
// closed with 1001 when it runs out; and the bin doing all that on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  startTestServer,
  TRANSPORTS,
  TwilioPeer,
  upgradeStatus,
  waitFor,
} from '../transport/harness.js';

/** Sends a media frame every 20 ms until stopped; returns the stopper. */
function stream(peer: TwilioPeer): () => void {
  let chunk = 1;
  const timer = setInterval(() => {
    if (peer.socket.readyState === peer.socket.OPEN) peer.media(chunk++);
  }, 20);

  return () => clearInterval(timer);
}

for (const transport of TRANSPORTS) {
  describe(`drain on ${transport}`, () => {
    it('refuses new streams and lets an active call finish inside the window', async () => {
      const test = await startTestServer(transport, { drainTimeoutMs: 2000 });
      const peer = await TwilioPeer.connect(test.mediaUrl);
      peer.start();
      const stopStreaming = stream(peer);
      await waitFor(() => test.server.sessions()[0]?.state === 'streaming');

      const drained = test.server.drain();
      const health = await fetch(`${test.httpUrl}/health`);
      const body = (await health.json()) as { status: string; activeCalls: number };

      assert.equal(health.status, 503);
      assert.equal(body.status, 'draining');
      assert.equal(body.activeCalls, 1);
      assert.equal(await upgradeStatus(test.mediaUrl), 503);

      // The call keeps streaming inside the window: nothing closes it.
      const framesBefore = test.server.sessions()[0]!.mediaTimestampMs;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(peer.socket.readyState, peer.socket.OPEN);
      assert.ok(test.server.sessions()[0]!.mediaTimestampMs > framesBefore, 'media still flows');

      stopStreaming();
      peer.stop();
      const result = await drained;

      assert.equal((await peer.closed).code, 1000);
      assert.deepEqual(
        { finished: result.finished, closed: result.closed },
        { finished: 1, closed: 0 },
      );
      assert.ok(result.durationMs < 2000);
      await test.server.close();
    });

    it('closes calls still up when the window runs out with 1001, not before', async () => {
      const test = await startTestServer(transport, { drainTimeoutMs: 300 });
      const peer = await TwilioPeer.connect(test.mediaUrl);
      peer.start();
      const stopStreaming = stream(peer);
      await waitFor(() => test.server.sessions().length === 1);

      const startedAtMs = performance.now();
      const result = await test.server.drain();
      const closed = await peer.closed;
      const closedAfterMs = performance.now() - startedAtMs;
      stopStreaming();

      assert.equal(closed.code, 1001);
      assert.ok(closedAfterMs >= 295, `closed after ${closedAfterMs} ms`);
      assert.deepEqual(
        { finished: result.finished, closed: result.closed },
        { finished: 0, closed: 1 },
      );
      await test.server.close();
    });
  });
}

describe('voice-media-core on SIGTERM', () => {
  it('drains: keeps the active call, refuses new ones, exits 0 when the call ends', async () => {
    const bin = fileURLToPath(new URL('../../src/bin.js', import.meta.url));
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, MEDIA_PORT: '0', DRAIN_TIMEOUT_MS: '5000', DSP_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    let port = 0;
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'media server listening') {
        port = entry.port ?? 0;
        break;
      }
    }
    lines.on('line', () => undefined);
    const url = `ws://127.0.0.1:${port}/media`;
    const peer = await TwilioPeer.connect(url);
    peer.start();
    peer.media(1);

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    assert.equal(child.exitCode, null, 'still running while a call is active');
    assert.equal(peer.socket.readyState, peer.socket.OPEN);
    assert.equal(await upgradeStatus(url), 503);
    const exited = once(child, 'exit');
    peer.stop();
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  });
});
