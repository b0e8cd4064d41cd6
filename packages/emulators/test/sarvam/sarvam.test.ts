import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSarvamEmulator, type SarvamEmulator } from '../../src/sarvam/server.js';
import { decodeWav, encodeWav } from '../../src/speech-match/wav.js';
import { fixturePcm16k, fixtureText } from '../speech-match/fixture-audio.js';

const apiKey = 'test-key';

function sttForm(wav: Buffer, languageCode = 'hi-IN'): FormData {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'utterance.wav');
  form.set('model', 'saarika:v2.5');
  form.set('language_code', languageCode);

  return form;
}

describe('sarvam emulator over HTTP', () => {
  let emulator: SarvamEmulator;
  let hindi: Buffer;
  const post = (path: string, body: FormData | string, key = apiKey): Promise<Response> =>
    fetch(`${emulator.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'api-subscription-key': key,
        ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
      },
      body,
    });

  before(async () => {
    emulator = await startSarvamEmulator({ apiKey });
    hindi = encodeWav(await fixturePcm16k('hi-IN.loan-type'), 16000);
  });
  beforeEach(() => emulator.faults.clear());
  after(() => emulator.close());

  it('speech-to-text: a multipart WAV upload gets the fixture text', async () => {
    const response = await post('/speech-to-text', sttForm(hindi));
    const body = (await response.json()) as Record<string, string>;

    assert.equal(response.status, 200);
    assert.equal(body.transcript, await fixtureText('hi-IN.loan-type'));
    assert.equal(body.language_code, 'hi-IN');
    assert.match(body.request_id ?? '', /^[0-9a-f-]{36}$/);
  });

  it('speech-to-text: language "unknown" answers the language it matched', async () => {
    const wav = encodeWav(await fixturePcm16k('ta-IN.amount'), 16000);
    const body = (await (await post('/speech-to-text', sttForm(wav, 'unknown'))).json()) as Record<
      string,
      string
    >;

    assert.equal(body.transcript, await fixtureText('ta-IN.amount'));
    assert.equal(body.language_code, 'ta-IN');
  });

  it('speech-to-text: more than 30 s of audio is a 400 naming the file', async () => {
    const response = await post(
      '/speech-to-text',
      sttForm(encodeWav(new Int16Array(31 * 8000), 8000)),
    );
    const body = (await response.json()) as { error: { message: string; code: string } };

    assert.equal(response.status, 400);
    assert.equal(body.error.code, 'invalid_request_error');
    assert.match(body.error.message, /^file: audio longer than 30 seconds/);
  });

  it('rejects a wrong key with 403 invalid_api_key_error', async () => {
    const response = await post('/speech-to-text', sttForm(hindi), 'wrong');
    const body = (await response.json()) as { error: { code: string; request_id: string } };

    assert.equal(response.status, 403);
    assert.equal(body.error.code, 'invalid_api_key_error');
    assert.ok(body.error.request_id);
  });

  it('text-to-speech: base64 WAVs at the requested rate, one per input', async () => {
    const response = await post(
      '/text-to-speech',
      JSON.stringify({
        inputs: ['नमस्ते', 'आपका होम लोन आवेदन हमें मिल गया है।'],
        target_language_code: 'hi-IN',
        speaker: 'anushka',
        model: 'bulbul:v2',
        speech_sample_rate: 8000,
      }),
    );
    const body = (await response.json()) as { audios: string[] };
    const [short, long] = body.audios.map((audio) => decodeWav(Buffer.from(audio, 'base64')));

    assert.equal(response.status, 200);
    assert.equal(short?.sampleRate, 8000);
    assert.ok((long?.samples.length ?? 0) > 3 * (short?.samples.length ?? 0));
  });

  it('text-to-speech: the model sets the default rate; bad fields are 422 naming the field', async () => {
    const ok = await post(
      '/text-to-speech',
      JSON.stringify({ text: 'hello', target_language_code: 'en-IN', model: 'bulbul:v3' }),
    );
    const audio = ((await ok.json()) as { audios: string[] }).audios[0] ?? '';
    assert.equal(decodeWav(Buffer.from(audio, 'base64')).sampleRate, 24000);

    const bad = await post(
      '/text-to-speech',
      JSON.stringify({ text: 'hello', target_language_code: 'en-IN', speech_sample_rate: 44100 }),
    );
    const body = (await bad.json()) as { error: { message: string; code: string } };
    assert.equal(bad.status, 422);
    assert.match(body.error.message, /^speech_sample_rate: must be one of/);
  });

  it('faults: fail with an HTTP or gRPC code, auth, latency, stall and drop', async () => {
    emulator.faults.inject({ kind: 'fail', code: 429 });
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 429);
    emulator.faults.inject({ kind: 'fail', code: 'UNAVAILABLE' });
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 503);

    emulator.faults.inject({ kind: 'auth' });
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 403);
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 403);
    emulator.faults.clear();

    emulator.faults.inject({ kind: 'latency', ms: 250 });
    const started = Date.now();
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 200);
    assert.ok(Date.now() - started >= 250);

    emulator.faults.inject({ kind: 'stall' });
    const stalled = fetch(`${emulator.baseUrl}/speech-to-text`, {
      method: 'POST',
      headers: { 'api-subscription-key': apiKey },
      body: sttForm(hindi),
      signal: AbortSignal.timeout(300),
    });
    await assert.rejects(stalled, { name: 'TimeoutError' });

    emulator.faults.inject({ kind: 'drop', ms: 50 });
    await assert.rejects(post('/speech-to-text', sttForm(hindi)), TypeError);

    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 200);
  });

  it('serves the admin route on the same port', async () => {
    const response = await fetch(`${emulator.adminUrl}/__admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'fail', code: 500 }),
    });
    assert.equal(response.status, 204);
    assert.equal((await post('/speech-to-text', sttForm(hindi))).status, 500);

    const stats = (await (await fetch(`${emulator.adminUrl}/__admin/stats`)).json()) as Record<
      string,
      number
    >;
    assert.ok((stats.requests ?? 0) >= 1 && (stats.audioBytes ?? 0) > 0);
  });
});
