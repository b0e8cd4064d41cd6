// A mid-utterance outage of the leading provider, in every failure kind, must still give each
// fixture utterance's exact transcript once; an auth failure moves calls off a provider and the
// breaker brings it back after a good probe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BreakerRegistry,
  FailoverRecognizer,
  googleSpeechProbe,
  sarvamSpeechProbe,
  isolatedSpeechMetrics,
  type FailoverEvent,
  type FinalTranscript,
} from '@voice-agent/media-core/speech';
import {
  callAudio,
  collectFinals,
  FAILOVER_LEADERS,
  FAILURE_KINDS,
  feedCall,
  startSpeechBed,
  strikesAtOpen,
  textOf,
  utterancePcm,
  waitFor,
  type FailoverLeader,
  type FailureKind,
  type SpeechBed,
} from './harness.js';

let bed: SpeechBed;

before(async () => {
  bed = await startSpeechBed();
});

after(async () => {
  await bed.close();
});

const LEAD_MS = 400;
const PAUSE_MS = 1200;
// Long enough that a loaded machine does not mistake a slow final for a stall.
const STALL_MS = 2000;

/** Call ms at which the fault strikes: inside the second utterance. */
async function faultAtMs(first: string): Promise<number> {
  const firstMs = ((await utterancePcm(first)).length / 16_000) * 1000;

  return LEAD_MS + firstMs + PAUSE_MS + 700;
}

interface Run {
  finals: FinalTranscript[];
  failovers: FailoverEvent[];
  failedAtMs: number | undefined;
}

/**
 * Plays a two-utterance call into a failover recognizer with the leader's fault set to strike
 * inside the second utterance (Google's stream faults are armed by audio position; a gRPC
 * 'fail' or 'auth' only strikes as a stream opens, so there it strikes as the first utterance
 * starts, the call's stream opening on its first word).
 */
async function runCall(setup: FailoverLeader, kind: FailureKind): Promise<Run> {
  bed.clearFaults();
  const breakers = new BreakerRegistry({ probeIntervalMs: 60_000 });
  const rec = new FailoverRecognizer({
    languageCode: setup.lang,
    providers: setup.providers,
    factories: bed.factories,
    breakers,
    stallTimeoutMs: STALL_MS,
    metrics: isolatedSpeechMetrics(),
  });
  const finals = collectFinals(rec);
  const failovers: FailoverEvent[] = [];
  rec.on('failover', (e) => failovers.push(e));

  const strikeMs = await faultAtMs(setup.ids[0] as string);
  const googleAtOpen = setup.leader === 'google' && strikesAtOpen(kind.google);
  let failedAtMs: number | undefined;
  if (setup.leader === 'google') {
    bed.google.faults.inject(googleAtOpen ? kind.google : { ...kind.google, ms: strikeMs });
  }

  const audio = await callAudio(setup.ids, googleAtOpen ? 0 : LEAD_MS, PAUSE_MS);
  await feedCall(rec, audio, {
    onFrame: (atMs) => {
      if (setup.leader === 'sarvam' && atMs === Math.round(strikeMs / 20) * 20) {
        bed.sarvam.faults.inject(kind.sarvam);
        failedAtMs = atMs;
      }
    },
  });
  await waitFor(() => finals.length >= 2, `two finals (${setup.leader}, ${kind.reason})`);
  await new Promise((r) => setTimeout(r, 300));

  await rec.close();
  breakers.close();
  bed.clearFaults();

  return { finals, failovers, failedAtMs };
}

for (const setup of FAILOVER_LEADERS) {
  describe(`failover from ${setup.leader} (${setup.lang})`, () => {
    for (const kind of FAILURE_KINDS) {
      test(`${kind.reason}: each utterance's exact transcript, once`, async () => {
        const run = await runCall(setup, kind);
        const expected = await Promise.all(setup.ids.map(textOf));

        assert.deepEqual(
          run.finals.map((f) => f.text),
          expected,
        );
        const first = run.failovers[0];
        assert.ok(first, 'a failover happened');
        assert.equal(first.from, setup.leader);
        assert.equal(first.reason, kind.reason);
        assert.ok(
          run.finals.some((f) => f.provider !== setup.leader),
          'the fallback provider transcribed the struck utterance',
        );
      });
    }
  });
}

describe('breaker across calls', () => {
  test('an auth failure moves calls off the provider; a good probe brings them back', async () => {
    bed.clearFaults();
    const metrics = isolatedSpeechMetrics();
    const breakers = new BreakerRegistry({ probeIntervalMs: 50, maxProbeIntervalMs: 100, metrics });
    breakers.register('asr:google', googleSpeechProbe(bed.googleClient));
    breakers.register('asr:sarvam', sarvamSpeechProbe(bed.sarvamHttp));
    const newCall = () =>
      new FailoverRecognizer({
        languageCode: 'en-IN',
        providers: ['google', 'sarvam'],
        factories: bed.factories,
        breakers,
        stallTimeoutMs: STALL_MS,
        metrics,
      });

    bed.google.faults.inject({ kind: 'auth' }); // stands until cleared: probes fail too
    const first = newCall();
    const firstFinals = collectFinals(first);
    const audio = await callAudio(['en-IN.consent']);
    await feedCall(first, audio);
    await waitFor(() => firstFinals.length >= 1, 'the first call final');
    assert.equal(firstFinals[0]?.provider, 'sarvam');
    assert.equal(breakers.isAvailable('asr:google'), false);

    const second = newCall();
    assert.equal(second.activeProvider, 'sarvam', 'a new call does not start on an open provider');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(breakers.isAvailable('asr:google'), false, 'failing probes keep it open');

    bed.google.faults.clear();
    await waitFor(() => breakers.isAvailable('asr:google'), 'a good probe to close the breaker');
    const restored: FailoverEvent[] = [];
    first.on('failover', (e) => restored.push(e));
    await feedCall(first, await callAudio(['en-IN.city']));
    await waitFor(() => firstFinals.length >= 2, 'the second final');

    assert.equal(restored[0]?.reason, 'restored', 'the call moved back between utterances');
    assert.equal(firstFinals[1]?.provider, 'google');
    assert.equal(firstFinals[1]?.text, await textOf('en-IN.city'));
    assert.equal(newCall().activeProvider, 'google');
    const counted = (await metrics.asrFailovers.get()).values;
    assert.deepEqual(counted[0]?.labels, { from: 'google', to: 'sarvam', reason: 'auth' });

    await Promise.all([first.close(), second.close()]);
    breakers.close();
  });
});

describe('a late final', () => {
  test('leaves the next utterance, which ended before it came, watched for a stall', async () => {
    bed.clearFaults();
    const breakers = new BreakerRegistry({ probeIntervalMs: 60_000 });
    const rec = new FailoverRecognizer({
      languageCode: 'hi-IN',
      providers: ['sarvam', 'google'],
      factories: bed.factories,
      breakers,
      stallTimeoutMs: 2000,
      metrics: isolatedSpeechMetrics(),
    });
    const finals = collectFinals(rec);
    const failovers: FailoverEvent[] = [];
    rec.on('failover', (e) => failovers.push(e));
    const ids = ['hi-IN.greeting', 'hi-IN.income'];
    // The first utterance's answer takes a second, so the second utterance (fed at 10× real
    // time) has ended before it arrives; the second request then hangs.
    bed.sarvam.faults.inject({ kind: 'latency', ms: 1000 });
    bed.sarvam.faults.inject({ kind: 'stall', ms: 0 });
    const speechEnds: number[] = [];

    await feedCall(rec, await callAudio(ids, LEAD_MS, PAUSE_MS), {
      onSpeechEnd: () => speechEnds.push(performance.now()),
    });
    await waitFor(() => finals.length >= 2, 'both finals', 15_000);
    await rec.close();
    breakers.close();
    bed.clearFaults();

    assert.equal(speechEnds.length, 2);
    assert.deepEqual(
      finals.map((f) => [f.provider, f.text]),
      [
        ['sarvam', await textOf(ids[0] as string)],
        ['google', await textOf(ids[1] as string)],
      ],
    );
    assert.deepEqual(
      failovers.map((e) => [e.from, e.to, e.reason]),
      [['sarvam', 'google', 'stall']],
    );
  });
});
