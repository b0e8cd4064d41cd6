// One batch of the failover bench: concurrent calls in lockstep, the leader's fault armed so
// that each call's stream or request takes one, and what each call saw.
import {
  buildCall,
  feedCall,
  strikesAtOpen,
  words,
  type CallAudio,
  type FailureKind,
  type GoogleSpeechEmulator,
  type SarvamEmulator,
} from '@voice-agent/emulators';
import {
  BreakerRegistry,
  FailoverRecognizer,
  type RecognizerFactory,
} from '@voice-agent/media-core/speech';
import { wordDiff } from './call.js';

/** What one batch runs. */
export interface Scenario {
  /** Provider killed. */
  leader: string;
  /** Provider order. */
  providers: string[];
  /** Call language. */
  lang: string;
  /** Fixture utterances of each call. */
  ids: string[];
  /** How the leader is killed. */
  kind: FailureKind;
  /** Replay unfinalised audio into the next provider. */
  replay: boolean;
  /** Concurrent calls. */
  calls: number;
  /** Audio speed relative to real time. */
  speed: number;
}

/** What one call saw. */
export interface CallOutcome {
  /** Whether it moved off the leader. */
  failedOver: boolean;
  /** Failure to the next provider's first result, in ms. */
  gapMs: number | undefined;
  /** Failure to the failover decision, in ms. */
  detectMs: number | undefined;
  /** The struck utterance's speech end to its final, in ms (the caller's wait). */
  endToFinalMs: number | undefined;
  /** Words of the fixtures. */
  wordsExpected: number;
  /** Fixture words missing from the finals. */
  wordsLost: number;
  /** Words the finals hold too many times. */
  wordsDuplicated: number;
}

interface BatchBed {
  google: GoogleSpeechEmulator;
  sarvam: SarvamEmulator;
  factories: Record<string, RecognizerFactory>;
}

const FRAME_MS = 20;
const LEAD_MS = 400;
const PAUSE_MS = 1200;
/** How far into the second utterance the fault strikes, in ms. */
const STRIKE_INTO_MS = 700;
/** Time a call is given after its audio for its last final, in ms. */
const SETTLE_MS = 5000;

/** Runs `scenario.calls` calls side by side and returns each call's outcome. */
export async function runBatch(scenario: Scenario, bed: BatchBed): Promise<CallOutcome[]> {
  const atOpen = scenario.leader === 'google' && strikesAtOpen(scenario.kind.google);
  const audio = await buildCall(scenario.ids, atOpen ? 0 : LEAD_MS, PAUSE_MS);
  // On a 20 ms frame boundary, where the feeder can see it.
  const strikeMs = atOpen
    ? 0
    : Math.round(((audio.startsMs[1] as number) + STRIKE_INTO_MS) / 20) * 20;
  // One registry per batch, shared by its calls as in production; no probes, so none of them
  // takes a fault meant for a call.
  const breakers = new BreakerRegistry({ probeIntervalMs: 600_000 });

  bed.google.faults.clear();
  bed.sarvam.faults.clear();
  if (scenario.leader === 'google') {
    const count = scenario.kind.google.kind === 'auth' ? undefined : scenario.calls;
    bed.google.faults.inject({ ...scenario.kind.google, count, ms: atOpen ? undefined : strikeMs });
  }

  const armed = { sarvam: false };
  const outcomes = await Promise.all(
    Array.from({ length: scenario.calls }, () =>
      runCall(scenario, bed, audio, strikeMs, armed, breakers),
    ),
  );

  breakers.close();
  bed.google.faults.clear();
  bed.sarvam.faults.clear();

  return outcomes;
}

async function runCall(
  scenario: Scenario,
  bed: BatchBed,
  audio: CallAudio,
  strikeMs: number,
  armed: { sarvam: boolean },
  breakers: BreakerRegistry,
): Promise<CallOutcome> {
  const rec = new FailoverRecognizer({
    languageCode: scenario.lang,
    providers: scenario.providers,
    factories: bed.factories,
    breakers,
    replayOnFailover: scenario.replay,
  });
  const texts: string[] = [];
  let failAt: number | undefined;
  let failoverAt: number | undefined;
  let firstResultAt: number | undefined;
  const speechEndAt: number[] = [];
  const finalAt: number[] = [];
  const struck = strikeMs === 0 ? 0 : 1;

  rec.on('final', (f) => {
    texts.push(f.text);
    finalAt.push(performance.now());
  });
  rec.on('failover', (e) => (failoverAt ??= e.from === scenario.leader ? e.atMs : undefined));
  const onResult = () => {
    if (failoverAt !== undefined) firstResultAt ??= performance.now();
  };
  rec.on('interim', onResult);
  rec.on('final', onResult);
  rec.on('error', () => undefined);

  await feedCall(rec, audio.pcm, {
    speed: scenario.speed,
    onFrame: (atMs) => {
      // Google strikes as its stream opens (the first frame) or once it has heard `strikeMs` of
      // audio: on the frame that ends there, which is about to be written.
      if (scenario.leader === 'google' && atMs === Math.max(0, strikeMs - FRAME_MS)) {
        failAt = performance.now();
      }
      if (scenario.leader !== 'sarvam' || atMs !== strikeMs || armed.sarvam) return;

      armed.sarvam = true;
      const count = scenario.kind.sarvam.kind === 'auth' ? undefined : scenario.calls;
      bed.sarvam.faults.inject({ ...scenario.kind.sarvam, count });
    },
    // Sarvam is asked at speech end: the struck request leaves at the second utterance's end.
    onSpeechEnd: () => {
      speechEndAt.push(performance.now());
      if (scenario.leader === 'sarvam' && speechEndAt.length === 2) failAt = performance.now();
    },
  });

  const deadline = performance.now() + SETTLE_MS;
  while (texts.length < audio.texts.length && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await rec.close();

  const expected = audio.texts.flatMap(words);
  const diff = wordDiff(expected, texts.flatMap(words));

  return {
    failedOver: failoverAt !== undefined,
    gapMs: failAt !== undefined && firstResultAt !== undefined ? firstResultAt - failAt : undefined,
    detectMs: failAt !== undefined && failoverAt !== undefined ? failoverAt - failAt : undefined,
    endToFinalMs: difference(finalAt[struck], speechEndAt[struck]),
    wordsExpected: expected.length,
    wordsLost: diff.lost,
    wordsDuplicated: diff.duplicated,
  };
}

function difference(later: number | undefined, earlier: number | undefined): number | undefined {
  return later === undefined || earlier === undefined ? undefined : later - earlier;
}
