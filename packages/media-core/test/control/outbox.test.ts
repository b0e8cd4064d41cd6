// The outbox against a real HTTP peer with an idempotent store: order, exactly-once storage
// across an API outage and across a crash of the media core, retries, dead letters.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';

import {
  ControlClient,
  DEAD_LETTER_FILE,
  Outbox,
  retryDelayMs,
  type OutboxOptions,
} from '../../src/control/index.js';
import { ApiPeer, waitFor } from './api-peer.js';

const TOKEN = 'service-token';

async function metric(registry: Registry, name: string): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];

  return values.reduce((sum, value) => sum + value.value, 0);
}

/** Files left in the outbox folder, dead letters aside. */
async function journalFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name !== DEAD_LETTER_FILE);
}

describe('Outbox', () => {
  const peer = new ApiPeer(TOKEN);
  let client: ControlClient;
  let dir: string;
  let registry: Registry;
  let outbox: Outbox | undefined;

  const open = async (options: Partial<OutboxOptions> = {}): Promise<Outbox> => {
    outbox = await Outbox.open({
      sink: client,
      outboxDir: dir,
      registry,
      baseDelayMs: 20,
      maxDelayMs: 200,
      ...options,
    });

    return outbox;
  };

  before(async () => {
    await peer.start();
    client = new ControlClient({ baseUrl: peer.baseUrl, serviceToken: TOKEN, timeoutMs: 1000 });
  });

  after(async () => {
    await client.close();
    await peer.stop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    registry = new Registry();
    peer.stored.clear();
  });

  afterEach(async () => {
    await outbox?.close({ deadlineMs: 0 });
    outbox = undefined;
    await peer.start().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers each event once, in order per call, in batches', async () => {
    const box = await open();
    const expected = new Map<string, string[]>();
    for (const callId of ['a', 'b', 'c']) {
      peer.calls.add(callId);
      expected.set(callId, []);
    }
    const requestsBefore = peer.requests.length;

    for (let index = 0; index < 150; index++) {
      const callId = ['a', 'b', 'c'][index % 3] as string;
      expected.get(callId)?.push(box.enqueue(callId, { type: 'turn', payload: { index } }));
    }
    await box.close();

    for (const [callId, ids] of expected) assert.deepEqual(peer.ids(callId), ids, `call ${callId}`);
    assert.ok(peer.requests.length - requestsBefore <= 6, 'events travel in batches');
    assert.equal(await metric(registry, 'control_outbox_delivered_total'), 150);
    assert.equal(await metric(registry, 'control_outbox_pending'), 0);
    assert.deepEqual(await journalFiles(dir), []);
  });

  it('survives the API going down mid-call: spills to disk, then every event arrives once', async () => {
    peer.calls.add('outage');
    const box = await open();
    const ids: string[] = [];
    for (let index = 0; index < 20; index++)
      ids.push(box.enqueue('outage', { type: 'turn', payload: { index } }));
    await waitFor(() => peer.ids('outage').length === 20, 'the first 20 events');

    await peer.stop();
    for (let index = 20; index < 50; index++) {
      ids.push(box.enqueue('outage', { type: 'turn', payload: { index } }));
      if (index % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await waitFor(
      () => box.stats().diskEvents === 30 && box.stats().unflushedEvents === 0,
      'the spill',
    );
    assert.equal(box.stats().memoryEvents, 0);
    assert.equal((await journalFiles(dir)).length > 0, true, 'a journal is on disk');

    await peer.start();
    await waitFor(() => peer.ids('outage').length === 50, 'all 50 events after the restart');
    await box.close();

    assert.deepEqual(peer.ids('outage'), ids);
    assert.ok((await metric(registry, 'control_outbox_retries_total')) >= 1);
    assert.equal(await metric(registry, 'control_outbox_spilled_total'), 30);
    assert.deepEqual(await journalFiles(dir), [], 'delivered journals are removed');
  });

  it('re-sends, from a new outbox on the same folder, what a closed-without-flush one left', async () => {
    peer.calls.add('restart');
    await peer.stop();
    const first = await open();
    const ids = Array.from({ length: 25 }, (_, index) =>
      first.enqueue('restart', { type: 'fact', payload: { index } }),
    );
    await first.close({ deadlineMs: 0 });
    await peer.start();
    assert.deepEqual(peer.ids('restart'), []);

    const second = await open();
    await waitFor(() => peer.ids('restart').length === 25, 'the persisted events');
    await second.close();

    assert.deepEqual(peer.ids('restart'), ids);
    assert.deepEqual(await journalFiles(dir), []);
  });

  it('re-sends what a media core killed with SIGKILL had spilled', async () => {
    peer.calls.add('killed');
    await peer.stop();
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./crash-child.js', import.meta.url)),
        dir,
        peer.baseUrl,
        'killed',
        '40',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        if (data.toString().includes('durable')) resolve();
      });
      child.once('exit', () => reject(new Error('child exited before its events were durable')));
    });
    child.kill('SIGKILL');
    await exited;
    await peer.start();

    const box = await open();
    await waitFor(() => peer.ids('killed').length === 40, 'the events of the killed process');
    await box.close();

    assert.deepEqual(
      peer.ids('killed'),
      Array.from({ length: 40 }, (_, index) => `crash-${index}`),
    );
  });

  it('retries 5xx and 429 with backoff', async () => {
    peer.calls.add('flaky');
    const box = await open();
    peer.failNext(2, 503);
    peer.failNext(1, 429, 0);

    const ids = [0, 1, 2].map((index) =>
      box.enqueue('flaky', { type: 'outcome', payload: { index } }),
    );
    await waitFor(() => peer.ids('flaky').length === 3, 'delivery after the faults');
    await box.close();

    assert.deepEqual(peer.ids('flaky'), ids);
    assert.equal(await metric(registry, 'control_outbox_retries_total'), 3);
  });

  it('does not retry a 400: the event goes to the dead-letter file with the reason, logged once', async () => {
    peer.calls.add('refused');
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino(sink);
    const box = await open({ log });
    const before = peer.requests.length;

    const badId = box.enqueue('refused', { type: 'turn', at: 'yesterday' });
    await waitFor(
      () => box.stats().memoryEvents === 0 && box.stats().inFlightBatches === 0,
      'the refusal',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await box.close();

    const attempts = peer.requests.slice(before).filter((request) => request.ids.includes(badId));
    assert.deepEqual(attempts, [{ callId: 'refused', ids: [badId], status: 400 }]);
    const deadLetters = (await readFile(join(dir, DEAD_LETTER_FILE), 'utf8')).trim().split('\n');
    assert.equal(deadLetters.length, 1);
    const record = JSON.parse(deadLetters[0] ?? '') as {
      event: { id: string };
      reason: string;
      status: number;
    };
    assert.equal(record.event.id, badId);
    assert.equal(record.status, 400);
    assert.match(record.reason, /events\[0\]\.at must be an ISO 8601 time/);
    assert.equal(lines.filter((line) => line.includes('call event dead-lettered')).length, 1);
    assert.equal(await metric(registry, 'control_outbox_retries_total'), 0);
  });

  it('singles out the refused event of a batch and delivers the rest in order', async () => {
    peer.calls.add('mixed');
    const box = await open();

    const good1 = box.enqueue('mixed', { type: 'turn' });
    const good2 = box.enqueue('mixed', { type: 'turn' });
    box.enqueue('mixed', { type: 'bogus' as 'turn' });
    const good3 = box.enqueue('mixed', { type: 'turn' });
    await box.close();

    assert.deepEqual(peer.ids('mixed'), [good1, good2, good3]);
    assert.equal(await metric(registry, 'control_outbox_dead_letters_total'), 1);
    assert.equal(await metric(registry, 'control_outbox_pending'), 0);
  });

  it('keeps memory bounded by spilling, and still delivers everything once and in order', async () => {
    peer.calls.add('busy');
    peer.delayMs = 30;
    const box = await open({ maxMemoryEvents: 10, maxBatchEvents: 5 });
    const ids: string[] = [];

    for (let index = 0; index < 60; index++) {
      ids.push(box.enqueue('busy', { type: 'turn', payload: { index } }));
      assert.ok(box.stats().memoryEvents <= 10, 'memory stays within the bound');
    }
    await waitFor(() => peer.ids('busy').length === 60, 'all events');
    await box.close();
    peer.delayMs = 0;

    assert.deepEqual(peer.ids('busy'), ids);
    assert.ok((await metric(registry, 'control_outbox_spilled_total')) > 0);
  });

  it('close() is idempotent and persists within its deadline when the API is down', async () => {
    peer.calls.add('late');
    await peer.stop();
    const box = await open();
    box.enqueue('late', { type: 'call_ended' });

    const startedMs = Date.now();
    await Promise.all([box.close({ deadlineMs: 150 }), box.close()]);
    const tookMs = Date.now() - startedMs;

    assert.ok(tookMs >= 140 && tookMs < 1500, `close took ${tookMs} ms`);
    assert.equal((await journalFiles(dir)).length, 1, 'the undelivered event is on disk');
  });
});

describe('retryDelayMs', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('grows exponentially with jitter in the upper half, and is bounded', () => {
    assert.equal(
      retryDelayMs(1, options, undefined, () => 0),
      50,
    );
    assert.equal(
      retryDelayMs(1, options, undefined, () => 1),
      100,
    );
    assert.equal(
      retryDelayMs(3, options, undefined, () => 1),
      400,
    );
    assert.equal(
      retryDelayMs(30, options, undefined, () => 1),
      1000,
    );
  });

  it('honours Retry-After up to the bound', () => {
    assert.equal(
      retryDelayMs(1, options, 700, () => 0),
      700,
    );
    assert.equal(
      retryDelayMs(1, options, 60_000, () => 0),
      1000,
    );
  });
});
