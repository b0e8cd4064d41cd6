import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { BreakerRegistry } from '../../src/speech/breaker.js';
import { speechMetrics } from '../../src/speech/metrics.js';

/** A real HTTP peer whose health the test switches; the probe is a real request to it. */
async function healthPeer(): Promise<{ server: Server; url: string; healthy: { on: boolean } }> {
  const healthy = { on: false };
  const server = createServer((_req, res) => res.writeHead(healthy.on ? 200 : 503).end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };

  return { server, url: `http://127.0.0.1:${port}/`, healthy };
}

test('one failure opens the breaker; a good probe closes it', async () => {
  const peer = await healthPeer();
  const metrics = speechMetrics(new Registry());
  const breakers = new BreakerRegistry({ probeIntervalMs: 20, metrics });
  let probes = 0;
  breakers.register('asr:google', async (signal) => {
    probes += 1;
    const res = await fetch(peer.url, { signal });
    if (!res.ok) throw new Error(`probe got ${res.status}`);
  });

  breakers.recordFailure('asr:google', 'auth');
  assert.equal(breakers.isAvailable('asr:google'), false);
  assert.equal((await metrics.providerHealth.get()).values[0]?.value, 0);

  await new Promise((r) => setTimeout(r, 80));
  assert.equal(breakers.isAvailable('asr:google'), false, 'failed probes keep it open');
  assert.ok(probes >= 1);

  peer.healthy.on = true;
  await once(breakers, 'close');
  assert.equal(breakers.isAvailable('asr:google'), true);
  assert.equal((await metrics.providerHealth.get()).values[0]?.value, 1);

  breakers.close();
  peer.server.close();
});

test('a threshold above one needs that many failures in a row', () => {
  const breakers = new BreakerRegistry({ failureThreshold: 2 });

  breakers.recordFailure('tts:sarvam', 'server');
  breakers.recordSuccess('tts:sarvam');
  breakers.recordFailure('tts:sarvam', 'server');
  assert.equal(breakers.isAvailable('tts:sarvam'), true);

  breakers.recordFailure('tts:sarvam', 'server');
  assert.equal(breakers.isAvailable('tts:sarvam'), false);
  breakers.close();
});

test('an unknown provider is available, and bad options name the field', () => {
  const breakers = new BreakerRegistry();

  assert.equal(breakers.isAvailable('asr:nobody'), true);
  assert.throws(() => new BreakerRegistry({ probeIntervalMs: 0 }), /probeIntervalMs/);
  breakers.close();
  breakers.close();
});
