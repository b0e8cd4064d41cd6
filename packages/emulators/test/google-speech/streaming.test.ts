import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { grpc } from 'google-gax';
import {
  startGoogleSpeechEmulator,
  type GoogleSpeechEmulator,
} from '../../src/google-speech/server.js';
import { fixturePcm16k, fixtureText, toBytes } from '../speech-match/fixture-audio.js';
import { finalTranscripts, interimTranscripts, speechClient, streamPcm } from './client.js';

describe('google speech emulator, streaming with the real SpeechClient', () => {
  let emulator: GoogleSpeechEmulator;
  let client: ReturnType<typeof speechClient>;
  before(async () => {
    emulator = await startGoogleSpeechEmulator({ maxStreamS: 6, audioTimeoutMs: 400 });
    client = speechClient(emulator.port);
  });
  after(async () => {
    await client.close();
    await emulator.close();
  });

  it('answers interim results, then the exact fixture text as final', async () => {
    const outcome = await streamPcm(client, await fixturePcm16k('en-IN.employment'));
    const interims = interimTranscripts(outcome.responses);

    assert.equal(outcome.error, undefined);
    assert.deepEqual(finalTranscripts(outcome.responses), [await fixtureText('en-IN.employment')]);
    assert.ok(interims.length >= 3, `interims: ${JSON.stringify(interims)}`);
    assert.ok(interims.every((text) => text.length > 0));
  });

  it('sends speech activity events around the utterance, with times', async () => {
    const outcome = await streamPcm(client, await fixturePcm16k('hi-IN.consent', 500));
    const events = outcome.responses
      .map((response) => response.speechEventType)
      .filter((type) => type !== 'SPEECH_EVENT_UNSPECIFIED');

    assert.deepEqual(events, ['SPEECH_ACTIVITY_BEGIN', 'SPEECH_ACTIVITY_END']);
    const begin = outcome.responses[0]?.speechEventTime as { seconds: string; nanos: number };
    const beginMs = Number(begin.seconds) * 1000 + begin.nanos / 1e6;
    assert.ok(beginMs >= 500 && beginMs <= 900, `speech began at ${beginMs} ms`);
  });

  it('rejects a request over 25,600 audio bytes with INVALID_ARGUMENT', async () => {
    const pcm = await fixturePcm16k('en-IN.city');
    const outcome = await streamPcm(client, pcm, { chunkBytes: 25_602 });

    assert.equal(outcome.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(outcome.error?.message ?? '', /25602 bytes, more than 25600/);
  });

  it('accepts requests of exactly 25,600 bytes', async () => {
    const outcome = await streamPcm(client, await fixturePcm16k('en-IN.city'), {
      chunkBytes: 25_600,
    });

    assert.equal(outcome.error, undefined);
    assert.deepEqual(finalTranscripts(outcome.responses), ['I live in Pune.']);
  });

  it('fails a stream past the (shortened) duration limit with OUT_OF_RANGE', async () => {
    const sevenSeconds = new Int16Array(7 * 16000);
    const outcome = await streamPcm(client, sevenSeconds);

    assert.equal(outcome.error?.code, grpc.status.OUT_OF_RANGE);
    assert.match(
      outcome.error?.message ?? '',
      /Exceeded maximum allowed stream duration of 6 seconds/,
    );
  });

  it('fails a stream left without audio with OUT_OF_RANGE (audio timeout)', async () => {
    const outcome = await streamPcm(client, new Int16Array(1600), { end: false });

    assert.equal(outcome.error?.code, grpc.status.OUT_OF_RANGE);
    assert.match(outcome.error?.message ?? '', /Audio Timeout/);
  });

  it('answers Recognize (unary) with the text, and counts what it saw', async () => {
    const before = (await (await fetch(`${emulator.adminUrl}/__admin/stats`)).json()) as {
      requests: number;
      audioBytes: number;
    };
    const audio = toBytes(await fixturePcm16k('ta-IN.loan-type'));
    const [response] = await client.recognize({
      config: { encoding: 'LINEAR16', sampleRateHertz: 16000, languageCode: 'ta-IN' },
      audio: { content: audio },
    });

    assert.equal(
      response.results?.[0]?.alternatives?.[0]?.transcript,
      await fixtureText('ta-IN.loan-type'),
    );
    const stats = (await (
      await fetch(`${emulator.adminUrl}/__admin/stats`)
    ).json()) as typeof before;
    assert.equal(stats.requests, before.requests + 1);
    assert.equal(stats.audioBytes, before.audioBytes + audio.length);
  });

  it('rejects a config it cannot honour, naming the field', async () => {
    await assert.rejects(
      client.recognize({
        config: { encoding: 'FLAC', sampleRateHertz: 16000, languageCode: 'en-IN' },
        audio: { content: Buffer.alloc(3200) },
      }),
      (error: { code: number; message: string }) =>
        error.code === grpc.status.INVALID_ARGUMENT && /config\.encoding/.test(error.message),
    );
  });
});
