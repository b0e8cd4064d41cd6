// One conformance suite, run against every synthesizer through its emulator (Sarvam REST,
// Google Text-to-Speech gRPC, and the failover composite), then the TTS failover itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BreakerRegistry,
  SarvamHttp,
  SpeechError,
  isolatedSpeechMetrics,
  sarvamTtsProbe,
} from '@voice-agent/media-core/speech';
import {
  createGoogleTtsClient,
  FailoverSynthesizer,
  GoogleSynthesizer,
  PromptCache,
  SarvamSynthesizer,
  synthesizeSentences,
  type GoogleTtsClient,
  type Synthesizer,
} from '@voice-agent/media-core/voice';
import type { FaultSpec } from '../../src/faults/fault-spec.js';
import { startGoogleTtsEmulator, type GoogleTtsEmulator } from '../../src/google-tts/server.js';
import { startSarvamEmulator, type SarvamEmulator } from '../../src/sarvam/server.js';
import { SpeechMatcher } from '../../src/speech-match/matcher.js';
import { waitFor } from './harness.js';

let sarvamEmu: SarvamEmulator;
let googleEmu: GoogleTtsEmulator;
let http: SarvamHttp;
let ttsClient: GoogleTtsClient;
let sarvam: SarvamSynthesizer;
let google: GoogleSynthesizer;

before(async () => {
  const matcher = await SpeechMatcher.load();
  sarvamEmu = await startSarvamEmulator({ matcher, apiKey: 'test-key' });
  googleEmu = await startGoogleTtsEmulator();
  http = new SarvamHttp({ baseUrl: sarvamEmu.baseUrl, apiKey: 'test-key' });
  ttsClient = createGoogleTtsClient({ endpoint: `${googleEmu.host}:${googleEmu.port}` });
  sarvam = new SarvamSynthesizer({ http, sampleRate: 22050 });
  google = new GoogleSynthesizer({ client: ttsClient, sampleRate: 24000 });
});

after(async () => {
  await sarvam.close();
  await google.close();
  await http.close();
  await ttsClient.close();
  await Promise.all([sarvamEmu.close(), googleEmu.close()]);
});

function clearFaults(): void {
  sarvamEmu.faults.clear();
  googleEmu.faults.clear();
}

const short = { text: 'Hello.', languageCode: 'en-IN' };
const long = {
  text: 'Hello, I am calling about the home loan you asked about on our website last week.',
  languageCode: 'en-IN',
};

const subjects: { name: string; rate: number; make(b: BreakerRegistry): Synthesizer }[] = [
  { name: 'sarvam', rate: 22050, make: () => sarvam },
  { name: 'google', rate: 24000, make: () => google },
  {
    name: 'failover(sarvam, google)',
    rate: 22050,
    make: (breakers) =>
      new FailoverSynthesizer({
        providers: ['sarvam', 'google'],
        synthesizers: { sarvam, google },
        ownsSynthesizers: false,
        breakers,
      }),
  },
];

for (const subject of subjects) {
  describe(`synthesizer conformance: ${subject.name}`, () => {
    test('speaks a sentence as PCM at the provider rate; longer text, longer audio', async () => {
      clearFaults();
      const breakers = new BreakerRegistry();
      const synth = subject.make(breakers);

      const a = await synth.synthesize(short);
      const b = await synth.synthesize(long);

      assert.equal(a.sampleRate, subject.rate);
      assert.ok(a.pcm.length > 0.2 * a.sampleRate, 'a word lasts a fifth of a second or more');
      assert.ok(b.pcm.length > 3 * a.pcm.length, 'audio length follows text length');
      assert.ok(
        a.pcm.some((s) => Math.abs(s) > 1000),
        'the audio is not silence',
      );
      breakers.close();
    });

    test('sentences come back in order, one request each', async () => {
      clearFaults();
      const breakers = new BreakerRegistry();
      const synth = subject.make(breakers);
      const sentences = ['Hi.', 'This sentence is quite a lot longer than the first one.', 'Bye.'];

      const out = [];
      for await (const audio of synthesizeSentences(sentences, { languageCode: 'en-IN' }, synth)) {
        out.push(audio.pcm.length);
      }

      assert.equal(out.length, 3);
      assert.ok((out[1] ?? 0) > (out[0] ?? 0) && (out[1] ?? 0) > (out[2] ?? 0));
      breakers.close();
    });

    if (subject.name.startsWith('failover')) return;

    test('a rejected key is a non-retryable SPEECH_AUTH error naming the provider', async () => {
      clearFaults();
      sarvamEmu.faults.inject({ kind: 'auth' });
      googleEmu.faults.inject({ kind: 'auth' });

      const err = await subject
        .make(new BreakerRegistry())
        .synthesize(short)
        .catch((e) => e);
      clearFaults();

      assert.ok(err instanceof SpeechError);
      assert.equal(err.code, 'SPEECH_AUTH');
      assert.equal(err.retryable, false);
      assert.equal(err.provider, subject.name);
    });
  });
}

const ttsKinds: { reason: string; fault: FaultSpec }[] = [
  { reason: 'connection', fault: { kind: 'drop', ms: 0 } },
  { reason: 'server', fault: { kind: 'fail', code: 503 } },
  { reason: 'timeout', fault: { kind: 'fail', code: 504 } },
  { reason: 'quota', fault: { kind: 'fail', code: 429 } },
  { reason: 'auth', fault: { kind: 'auth', count: 1 } },
  { reason: 'stall', fault: { kind: 'stall' } },
];

describe('tts failover', () => {
  for (const kind of ttsKinds) {
    test(`${kind.reason}: the sentence is spoken by the fallback`, async () => {
      clearFaults();
      const metrics = isolatedSpeechMetrics();
      const breakers = new BreakerRegistry({ probeIntervalMs: 60_000 });
      const synth = new FailoverSynthesizer({
        providers: ['sarvam', 'google'],
        synthesizers: { sarvam, google },
        ownsSynthesizers: false,
        breakers,
        attemptTimeoutMs: 500,
        metrics,
      });
      sarvamEmu.faults.inject(kind.fault);

      const audio = await synth.synthesize(long);
      clearFaults();

      assert.equal(audio.provider, 'google');
      assert.ok(audio.pcm.length > audio.sampleRate, 'the whole sentence, over a second');
      assert.equal(breakers.isAvailable('tts:sarvam'), false);
      const counted = (await metrics.ttsFailovers.get()).values;
      assert.deepEqual(counted[0]?.labels, { from: 'sarvam', to: 'google', reason: kind.reason });
      breakers.close();
    });
  }

  test('an open provider is skipped until a good probe brings it back', async () => {
    clearFaults();
    const breakers = new BreakerRegistry({ probeIntervalMs: 50, maxProbeIntervalMs: 100 });
    breakers.register('tts:sarvam', sarvamTtsProbe(http));
    const synth = new FailoverSynthesizer({
      providers: ['sarvam', 'google'],
      synthesizers: { sarvam, google },
      ownsSynthesizers: false,
      breakers,
    });

    sarvamEmu.faults.inject({ kind: 'auth' });
    assert.equal((await synth.synthesize(short)).provider, 'google');
    assert.equal((await synth.synthesize(short)).provider, 'google');
    assert.equal(breakers.isAvailable('tts:sarvam'), false);

    sarvamEmu.faults.clear();
    await waitFor(() => breakers.isAvailable('tts:sarvam'), 'the probe to close the breaker');
    assert.equal((await synth.synthesize(short)).provider, 'sarvam');
    breakers.close();
  });

  test('the prompt cache warms fixed prompts once and answers them without a request', async () => {
    clearFaults();
    const cache = new PromptCache({ maxBytes: 4_000_000 });
    const prompts = [short, { text: 'Please hold.', languageCode: 'hi-IN' }];

    const failed = await cache.warm(prompts, sarvam);
    const before = sarvamEmu.stats.requests;
    const hit = await cache.synthesize(short, sarvam);

    assert.deepEqual(failed, []);
    assert.equal(cache.size, 2);
    assert.equal(sarvamEmu.stats.requests, before, 'served from the cache');
    assert.equal(hit.provider, 'sarvam');
  });
});
