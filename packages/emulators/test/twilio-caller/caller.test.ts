// The Twilio caller emulator against a tiny real ws server that plays the media server's part:
// marks come back when the caller's playback reaches them, clear drops the caller's buffer,
// and the recording of what the caller heard has the call's length.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { WebSocket, WebSocketServer } from 'ws';

import {
  loadFixtureManifest,
  parseConversationScript,
} from '../../src/script/conversation-script.js';
import { placeCall, TwilioCaller, type TwilioCallerError } from '../../src/twilio-caller/index.js';

interface Inbound {
  atMs: number;
  message: Record<string, unknown> & { event: string; sequenceNumber?: string };
}

/** A media server stand-in: records what the caller sends, lets the test send to it. */
class TinyServer {
  readonly wss: WebSocketServer;
  readonly received: Inbound[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  socket: WebSocket | undefined;
  streamSid = '';

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (socket, request) => {
      this.socket = socket;
      this.headers.push(request.headers);
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Inbound['message'];
        if (message.event === 'start') this.streamSid = String(message['streamSid']);
        this.received.push({ atMs: performance.now(), message });
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/media`;
  }

  sendAudio(frames: number, code = 0x10): void {
    const payload = Buffer.alloc(160 * frames, code).toString('base64');
    this.send({ event: 'media', streamSid: this.streamSid, media: { payload } });
  }

  send(message: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(message));
  }

  markEcho(name: string): Inbound | undefined {
    return this.received.find(
      (entry) =>
        entry.message.event === 'mark' && (entry.message['mark'] as { name: string }).name === name,
    );
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await once(this.wss, 'close');
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
}

describe('TwilioCaller', () => {
  const servers: TinyServer[] = [];
  const newServer = (): TinyServer => {
    const server = new TinyServer();
    servers.push(server);
    return server;
  };
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('opens like Twilio: connected, start with parameters, then media every 20 ms', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({
      url: server.url,
      customParameters: { callId: 'c1', language: 'hi-IN' },
    });
    await call.wait(200);
    await call.stop();

    const events = server.received.map((entry) => entry.message.event);
    assert.deepEqual(events.slice(0, 2), ['connected', 'start']);
    assert.equal(events.at(-1), 'stop');

    const start = server.received[1]?.message['start'] as Record<string, unknown>;
    assert.match(String(start['streamSid']), /^MZ[0-9a-f]{32}$/);
    assert.match(String(start['callSid']), /^CA[0-9a-f]{32}$/);
    assert.deepEqual(start['customParameters'], { callId: 'c1', language: 'hi-IN' });
    assert.deepEqual(start['mediaFormat'], {
      encoding: 'audio/x-mulaw',
      sampleRate: 8000,
      channels: 1,
    });

    const media = server.received.filter((entry) => entry.message.event === 'media');
    assert.ok(media.length >= 9 && media.length <= 11, `${media.length} frames in 200 ms`);
    const spanMs = (media.at(-1)?.atMs ?? 0) - (media[0]?.atMs ?? 0);
    assert.ok(Math.abs(spanMs - (media.length - 1) * 20) < 25, `paced: ${spanMs.toFixed(0)} ms`);
    media.forEach((entry, index) => {
      const body = entry.message['media'] as { chunk: string; timestamp: string; payload: string };
      assert.equal(body.chunk, String(index + 1));
      assert.equal(body.timestamp, String(index * 20));
      assert.equal(Buffer.from(body.payload, 'base64').length, 160);
    });
    const sequence = server.received.slice(1).map((entry) => Number(entry.message.sequenceNumber));
    assert.deepEqual(
      sequence,
      sequence.map((_, i) => i + 1),
      'sequenceNumber counts from 1',
    );
  });

  it('echoes a mark when its audio has played, not when it arrives', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({ url: server.url });
    await until(() => server.streamSid !== '', 1000);

    const sentAt = performance.now();
    server.sendAudio(10);
    server.send({ event: 'mark', streamSid: server.streamSid, mark: { name: 'first' } });
    server.sendAudio(5);
    server.send({ event: 'mark', streamSid: server.streamSid, mark: { name: 'second' } });
    await until(() => server.markEcho('second') !== undefined, 2000);
    await call.wait(40);
    await call.stop();

    const first = (server.markEcho('first')?.atMs ?? 0) - sentAt;
    const second = (server.markEcho('second')?.atMs ?? 0) - sentAt;
    assert.ok(
      first >= 175 && first <= 300,
      `first mark after ${first.toFixed(0)} ms (180-200 ms: the first frame plays on the next tick)`,
    );
    assert.ok(second >= 275 && second <= 400, `second after ${second.toFixed(0)} ms (300 ms)`);

    const kinds = call.timeline.map((entry) => entry.kind);
    assert.deepEqual(
      kinds.filter((kind) => kind !== 'socketClosed' && kind !== 'stopSent'),
      ['botAudioStart', 'markEchoed', 'markEchoed', 'botAudioStop'],
    );
    const start = call.timeline.find((entry) => entry.kind === 'botAudioStart')?.atMs ?? 0;
    const stop = call.timeline.find((entry) => entry.kind === 'botAudioStop')?.atMs ?? 0;
    assert.equal(stop - start, 300, 'bot audio lasted 15 frames at the caller');
  });

  it('drops its buffer on clear and records silence after it', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({ url: server.url, marksOnClear: 'drop' });
    await until(() => server.streamSid !== '', 1000);

    server.sendAudio(50);
    server.send({ event: 'mark', streamSid: server.streamSid, mark: { name: 'reply' } });
    await call.wait(200);
    server.send({ event: 'clear', streamSid: server.streamSid });
    await call.wait(300);
    await call.stop();

    const heard = call.heard();
    const botFrames = countFrames(heard, (frame) => frame[0] === 0x10);
    assert.ok(botFrames >= 9 && botFrames <= 13, `${botFrames} frames heard before the clear`);

    const clear = call.timeline.find((entry) => entry.kind === 'clearReceived');
    assert.ok(clear?.kind === 'clearReceived' && clear.droppedMs >= 700, 'most of 1 s dropped');
    assert.equal(server.markEcho('reply'), undefined, 'a cleared mark is dropped when asked');
  });

  it('echoes the marks a clear dropped, by default', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({ url: server.url });
    await until(() => server.streamSid !== '', 1000);

    server.sendAudio(50);
    server.send({ event: 'mark', streamSid: server.streamSid, mark: { name: 'reply' } });
    await call.wait(100);
    server.send({ event: 'clear', streamSid: server.streamSid });
    await until(() => server.markEcho('reply') !== undefined, 1000);
    await call.stop();

    assert.ok(server.markEcho('reply'));
  });

  it('records one frame per 20 ms of the call, faster than real time with speed', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const startedAt = performance.now();
    const result = await placeCall({
      url: server.url,
      speed: 5,
      audio: { pcm: new Int16Array(16000).fill(1000), sampleRate: 16000 },
      listenMs: 1000,
    });
    const realMs = performance.now() - startedAt;

    // 1 s of caller audio plus 1 s of listening: 2 s of media clock, 100 frames.
    assert.ok(result.durationMs >= 2000 && result.durationMs <= 2040, `${result.durationMs} ms`);
    assert.equal(result.heard.length, (result.durationMs / 20) * 160);
    assert.ok(realMs < 800, `speed 5 took ${realMs.toFixed(0)} ms of real time`);

    const media = server.received.filter((entry) => entry.message.event === 'media');
    const spoken = media.filter((entry) => {
      const payload = (entry.message['media'] as { payload: string }).payload;
      return Buffer.from(payload, 'base64')[0] !== 0xff;
    });
    assert.ok(spoken.length >= 50 && spoken.length <= 51, `${spoken.length} frames of speech`);
  });

  it('writes what it heard as a WAV file', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({ url: server.url, speed: 4 });
    await call.wait(400);
    await call.stop();

    const mulaw = call.heardWav('mulaw');
    const pcm = call.heardWav('linear16');
    assert.equal(mulaw.toString('ascii', 0, 4), 'RIFF');
    assert.equal(mulaw.readUInt16LE(20), 7, 'WAVE_FORMAT_MULAW');
    assert.equal(mulaw.readUInt32LE(40), call.heard().length);
    assert.equal(pcm.readUInt32LE(40), call.heard().length * 2);
  });

  it('plays a script: speaks after the bot reply ends, presses keys, hangs up', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const manifest = await loadFixtureManifest();
    const script = parseConversationScript(
      {
        name: 'tiny',
        description: 'greeting then a key',
        language: 'en-IN',
        turns: [
          { say: 'en-IN.consent', after: 'bot', gapMs: 100 },
          { dtmf: '5', gapMs: 0 },
        ],
        replyTimeoutMs: 2000,
        hangupAfterMs: 100,
      },
      manifest,
    );
    const call = await TwilioCaller.connect({ url: server.url, speed: 5 });
    await until(() => server.streamSid !== '', 1000);
    server.sendAudio(10);

    const turns = await call.playScript(script, manifest);

    // Bot audio plays 0-200 ms; the reply counts as over after 400 ms of quiet, plus 100 ms gap.
    assert.equal(turns.length, 2);
    assert.ok(Math.abs((turns[0]?.startedAtMs ?? 0) - 700) <= 40, `${turns[0]?.startedAtMs}`);
    assert.equal(turns[0]?.replyTimedOut, false);
    const events = server.received.map((entry) => entry.message.event);
    assert.ok(events.includes('dtmf'));
    assert.equal(events.at(-1), 'stop');
  });

  it('signs the upgrade over the wss:// URL, and reports a refused upgrade', async () => {
    const server = newServer();
    await once(server.wss, 'listening');
    const call = await TwilioCaller.connect({ url: server.url, authToken: 'secret' });
    await call.stop();

    const expected = createHmac('sha1', 'secret')
      .update(server.url.replace('ws://', 'wss://'))
      .digest('base64');
    assert.equal(server.headers[0]?.['x-twilio-signature'], expected);

    const refusing = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, done) => done(false, 403),
    });
    await once(refusing, 'listening');
    const url = `ws://127.0.0.1:${(refusing.address() as AddressInfo).port}/media`;
    await assert.rejects(TwilioCaller.connect({ url }), (err: TwilioCallerError) => {
      assert.equal(err.code, 'CALLER_UPGRADE_REJECTED');
      assert.equal(err.status, 403);
      return true;
    });
    refusing.close();
  });
});

function countFrames(muLaw: Uint8Array, test: (frame: Uint8Array) => boolean): number {
  let count = 0;
  for (let offset = 0; offset < muLaw.length; offset += 160) {
    if (test(muLaw.subarray(offset, offset + 160))) count++;
  }
  return count;
}
