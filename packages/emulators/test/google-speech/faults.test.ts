import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { grpc } from 'google-gax';
import {
  startGoogleSpeechEmulator,
  type GoogleSpeechEmulator,
} from '../../src/google-speech/server.js';
import { fixturePcm16k, toBytes } from '../speech-match/fixture-audio.js';
import { finalTranscripts, speechClient, streamingConfig, streamPcm } from './client.js';

async function postFault(adminUrl: string, fault: unknown): Promise<number> {
  const response = await fetch(`${adminUrl}/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  await response.arrayBuffer();

  return response.status;
}

describe('google speech emulator, injected faults', () => {
  let emulator: GoogleSpeechEmulator;
  let client: ReturnType<typeof speechClient>;
  let consent: Int16Array;
  before(async () => {
    emulator = await startGoogleSpeechEmulator();
    client = speechClient(emulator.port);
    consent = await fixturePcm16k('en-IN.consent');
  });
  beforeEach(() => emulator.faults.clear());
  after(async () => {
    await client.close();
    await emulator.close();
  });

  it('fail: the next N streams end with the injected status, then streams work again', async () => {
    assert.equal(
      await postFault(emulator.adminUrl, { kind: 'fail', code: 'UNAVAILABLE', count: 2 }),
      204,
    );

    for (let i = 0; i < 2; i += 1) {
      const outcome = await streamPcm(client, consent);
      assert.equal(outcome.error?.code, grpc.status.UNAVAILABLE);
    }
    assert.deepEqual(finalTranscripts((await streamPcm(client, consent)).responses), [
      'Yes, go ahead.',
    ]);
  });

  it('fail with an HTTP status maps to the matching gRPC status', async () => {
    emulator.faults.inject({ kind: 'fail', code: 429 });

    const outcome = await streamPcm(client, consent);
    assert.equal(outcome.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  });

  it('auth: UNAUTHENTICATED until cleared over the admin route', async () => {
    emulator.faults.inject({ kind: 'auth' });
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await streamPcm(client, consent)).error?.code, grpc.status.UNAUTHENTICATED);
    }

    const cleared = await fetch(`${emulator.adminUrl}/__admin/faults`, { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    assert.deepEqual(finalTranscripts((await streamPcm(client, consent)).responses), [
      'Yes, go ahead.',
    ]);
  });

  it('latency: answers arrive the added ms later', async () => {
    emulator.faults.inject({ kind: 'latency', ms: 300 });
    const started = Date.now();
    const outcome = await streamPcm(client, consent);

    assert.ok(Date.now() - started >= 300, 'the stream took at least the added latency');
    assert.deepEqual(finalTranscripts(outcome.responses), ['Yes, go ahead.']);
  });

  it('stall: results stop mid-utterance and the stream stays open', async () => {
    emulator.faults.inject({ kind: 'stall', ms: 800 });
    const stream = client.streamingRecognize(streamingConfig);
    const responses: unknown[] = [];
    let ended = false;
    stream.on('data', (response) => responses.push(response));
    stream.on('error', () => (ended = true));
    stream.on('end', () => (ended = true));

    const bytes = toBytes(consent);
    for (let offset = 0; offset < bytes.length; offset += 3200)
      stream.write(bytes.subarray(offset, offset + 3200));
    stream.end();
    await new Promise((resolve) => setTimeout(resolve, 500));

    assert.equal(ended, false, 'a stalled stream neither ends nor fails');
    assert.deepEqual(finalTranscripts(responses as Record<string, unknown>[]), []);
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.destroy();
    await closed;
    const stats = (await (await fetch(`${emulator.adminUrl}/__admin/stats`)).json()) as {
      faultsApplied: number;
    };
    assert.ok(stats.faultsApplied >= 1);
  });

  it('drop: the connection is destroyed mid-stream, before the final', async () => {
    emulator.faults.inject({ kind: 'drop', ms: 800 });
    const outcome = await streamPcm(client, consent);

    assert.ok(outcome.error, 'the client sees its stream fail');
    assert.ok(
      [grpc.status.UNAVAILABLE, grpc.status.INTERNAL, grpc.status.CANCELLED].includes(
        outcome.error.code,
      ),
      `status ${outcome.error.code}: ${outcome.error.message}`,
    );
    assert.deepEqual(finalTranscripts(outcome.responses), []);
    assert.deepEqual(finalTranscripts((await streamPcm(client, consent)).responses), [
      'Yes, go ahead.',
    ]);
  });

  it('rejects a bad fault over the admin route, naming the field', async () => {
    const response = await fetch(`${emulator.adminUrl}/__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'explode' }),
    });
    const body = (await response.json()) as { error: { message: string } };

    assert.equal(response.status, 400);
    assert.match(body.error.message, /^kind: must be one of/);
  });
});
