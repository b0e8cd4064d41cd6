import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import textToSpeech from '@google-cloud/text-to-speech';
import { grpc } from 'google-gax';
import { startGoogleTtsEmulator, type GoogleTtsEmulator } from '../../src/google-tts/server.js';
import { speechDurationMs } from '../../src/google-tts/speech-signal.js';
import { decodeWav } from '../../src/speech-match/wav.js';

const sentence = 'Namaste, I am calling about your home loan application.';

describe('google tts emulator with the real TextToSpeechClient', () => {
  let emulator: GoogleTtsEmulator;
  let client: InstanceType<typeof textToSpeech.v1.TextToSpeechClient>;
  before(async () => {
    emulator = await startGoogleTtsEmulator();
    client = new textToSpeech.v1.TextToSpeechClient({
      apiEndpoint: '127.0.0.1',
      port: emulator.port,
      sslCreds: grpc.credentials.createInsecure(),
    });
  });
  after(async () => {
    await client.close();
    await emulator.close();
  });

  it('answers LINEAR16 as a WAV at the requested rate, as long as the text takes to say', async () => {
    const [response] = await client.synthesizeSpeech({
      input: { text: sentence },
      voice: { languageCode: 'en-IN', name: 'en-IN-Standard-A' },
      audioConfig: { audioEncoding: 'LINEAR16', sampleRateHertz: 16000 },
    });
    const wav = decodeWav(response.audioContent as Uint8Array);
    const durationMs = (wav.samples.length * 1000) / wav.sampleRate;

    assert.equal(Buffer.from(response.audioContent as Uint8Array).toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.sampleRate, 16000);
    // Plausible speech: 12-16 characters a second, like a calm voice.
    const characters = sentence.replace(/[^\p{L}]/gu, '').length;
    assert.ok(durationMs > (characters / 16) * 1000 && durationMs < (characters / 12) * 1000);
    assert.equal(Math.round(durationMs), speechDurationMs(sentence));
    const peak = wav.samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
    assert.ok(peak > 3000, 'the signal is audible');
  });

  it('answers MULAW with a μ-law WAV header, and speaks faster at a higher speaking rate', async () => {
    const [slow] = await client.synthesizeSpeech({
      input: { text: sentence },
      voice: { languageCode: 'hi-IN' },
      audioConfig: { audioEncoding: 'MULAW', sampleRateHertz: 8000 },
    });
    const [fast] = await client.synthesizeSpeech({
      input: { text: sentence },
      voice: { languageCode: 'hi-IN' },
      audioConfig: { audioEncoding: 'MULAW', sampleRateHertz: 8000, speakingRate: 2 },
    });
    const slowBytes = Buffer.from(slow.audioContent as Uint8Array);

    assert.equal(slowBytes.readUInt16LE(20), 7, 'WAVE_FORMAT_MULAW');
    const fastBytes = (fast.audioContent as Uint8Array).length;
    assert.ok(Math.abs(fastBytes - 44 - (slowBytes.length - 44) / 2) < 10);
  });

  it('lists voices (the health probe), filtered by language', async () => {
    const [response] = await client.listVoices({ languageCode: 'hi-IN' });

    assert.ok((response.voices ?? []).length >= 1);
    assert.ok((response.voices ?? []).every((voice) => voice.languageCodes?.includes('hi-IN')));
  });

  it('rejects a request without text or encoding, naming the field', async () => {
    await assert.rejects(
      client.synthesizeSpeech({
        input: {},
        voice: { languageCode: 'en-IN' },
        audioConfig: { audioEncoding: 'LINEAR16' },
      }),
      (error: { code: number; message: string }) =>
        error.code === grpc.status.INVALID_ARGUMENT && /input/.test(error.message),
    );
    await assert.rejects(
      client.synthesizeSpeech({
        input: { text: 'hi' },
        voice: { languageCode: 'en-IN' },
        audioConfig: {},
      }),
      /audio_config\.audio_encoding/,
    );
  });

  it('applies injected faults: fail, auth until cleared, latency, stall', async () => {
    const request = {
      input: { text: 'hello' },
      voice: { languageCode: 'en-IN' },
      audioConfig: { audioEncoding: 'LINEAR16' as const },
    };
    emulator.faults.inject({ kind: 'fail', code: 'INTERNAL' });
    await assert.rejects(client.synthesizeSpeech(request), { code: grpc.status.INTERNAL });

    emulator.faults.inject({ kind: 'auth' });
    await assert.rejects(client.listVoices({}), { code: grpc.status.UNAUTHENTICATED });
    await assert.rejects(client.synthesizeSpeech(request), { code: grpc.status.UNAUTHENTICATED });
    emulator.faults.clear();

    emulator.faults.inject({ kind: 'latency', ms: 250 });
    const started = Date.now();
    await client.synthesizeSpeech(request);
    assert.ok(Date.now() - started >= 250);

    emulator.faults.inject({ kind: 'stall' });
    await assert.rejects(client.synthesizeSpeech(request, { timeout: 300 }), {
      code: grpc.status.DEADLINE_EXCEEDED,
    });
  });
});
