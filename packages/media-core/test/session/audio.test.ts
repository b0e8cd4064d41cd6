// The session with its real collaborators: caller audio through the DSP worker pool (16 kHz
// PCM, frame latency, speech events) and bot audio out through playback (frames, marks).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { DspPool } from '../../src/dsp/pool.js';
import type { CallSession, SessionAudio, SessionSpeech, SessionSummary } from '../../src/index.js';
import {
  metricValue,
  startTestServer,
  TwilioPeer,
  waitFor,
  type TestServer,
} from '../transport/harness.js';

/** 8 kHz μ-law fixture (fixtures/audio/en-IN/greeting.wav) as bytes after the `data` chunk. */
function fixtureMuLaw(relativePath: string): Uint8Array {
  const wav = readFileSync(
    new URL(`../../../../../fixtures/audio/${relativePath}`, import.meta.url),
  );
  const dataAt = wav.indexOf('data', 12, 'latin1');
  assert.ok(dataAt > 0, 'WAV has a data chunk');
  const length = wav.readUInt32LE(dataAt + 4);

  return wav.subarray(dataAt + 8, dataAt + 8 + length);
}

/** The audio as whole 160-byte frames in base64, with `padFrames` of silence either side. */
function framesOf(muLaw: Uint8Array, padFrames: number): string[] {
  const silence = Buffer.alloc(160, 0xff).toString('base64');
  const frames: string[] = Array.from({ length: padFrames }, () => silence);
  for (let at = 0; at + 160 <= muLaw.length; at += 160) {
    frames.push(Buffer.from(muLaw.subarray(at, at + 160)).toString('base64'));
  }

  return [...frames, ...Array.from({ length: padFrames }, () => silence)];
}

describe('session with the DSP pool and playback', () => {
  let test: TestServer;
  const sessions: CallSession[] = [];
  const summaries: SessionSummary[] = [];

  // The pool's own queue bound is not under test: a loaded machine may hold a batch long
  // enough for 5× real-time input to overflow the default 50 frames.
  const registry = new Registry();
  const dsp = new DspPool({ threads: 1, maxQueuedFrames: 10_000, registry });

  before(async () => {
    test = await startTestServer(
      'uws',
      { dspThreads: 1 },
      {
        dsp,
        registry,
        onSession: (session) => sessions.push(session),
        sink: { onSessionEnd: (summary) => summaries.push(summary) },
      },
    );
  });
  after(async () => {
    await test.server.close();
    await dsp.close();
  });

  it('turns caller frames into 16 kHz audio, latency samples and speech start/end', async () => {
    const frames = framesOf(fixtureMuLaw('en-IN/greeting.wav'), 40);
    const peer = await TwilioPeer.connect(test.mediaUrl, {}, 'MZaudio');
    await waitFor(() => sessions.length === 1);
    const session = sessions[0]!;
    const audio: SessionAudio[] = [];
    const speech: SessionSpeech[] = [];
    session.on('audio', (tick) => audio.push(tick));
    session.on('speech', (change) => speech.push(change));
    peer.start();

    // Five frames every 20 ms: 5× real time, inside what the pool queues per call.
    for (let at = 0; at < frames.length; at += 5) {
      for (let i = at; i < Math.min(at + 5, frames.length); i++) peer.media(i + 1, frames[i]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const frameCount = () => audio.reduce((sum, tick) => sum + tick.frames.length, 0);
    await waitFor(() => frameCount() === frames.length, 20_000);

    const samples = audio.reduce((sum, tick) => sum + tick.pcm16k.length, 0);
    assert.ok(Math.abs(samples - frames.length * 320) <= 320, `${samples} samples at 16 kHz`);
    // The greeting is two phrases ("Hello? Who is this?"): one or two utterances, each a
    // start then an end, and silence (no speech) in the padding either side.
    const types = speech.map((change) => change.type);
    assert.ok(types.length === 2 || types.length === 4, `speech changes: ${types.join(',')}`);
    types.forEach((type, i) => assert.equal(type, i % 2 === 0 ? 'start' : 'end'));
    assert.ok(speech[0]!.mediaTimestampMs >= 40 * 20, 'no speech in the leading silence');
    const latencyCount = await metricValue(test.server, 'media_frame_latency_seconds_count');
    assert.equal(latencyCount, frames.length);
    peer.stop();
    await peer.closed;
  });

  it('plays bot audio as 20 ms media frames with a mark, and counts frames out', async () => {
    const peer = await TwilioPeer.connect(test.mediaUrl, {}, 'MZplayback');
    await waitFor(() => sessions.length === 2);
    const session = sessions[1]!;
    peer.start();
    await waitFor(() => session.state === 'started');

    // 100 ms of an 8 kHz tone: five 20 ms frames.
    const pcm = Int16Array.from({ length: 800 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    session.play(pcm, 8000);
    await waitFor(() => peer.received.some((message) => message.event === 'mark'));

    const mediaMessages = peer.received.filter((message) => message.event === 'media');
    assert.equal(mediaMessages.length, 5);
    for (const message of mediaMessages) {
      const payload = (message.media as { payload: string }).payload;
      assert.equal(Buffer.from(payload, 'base64').length, 160);
      assert.equal(message.streamSid, 'MZplayback');
    }
    assert.equal(peer.received.at(-1)?.event, 'mark');

    peer.stop();
    await waitFor(() => summaries.some((summary) => summary.streamSid === 'MZplayback'));
    const summary = summaries.find((entry) => entry.streamSid === 'MZplayback')!;
    assert.equal(summary.framesOut, 5);
  });
});
