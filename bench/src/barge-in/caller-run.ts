// One benchmark call's caller: answers the stream, then speaks over the bot several times
// (real answers, so the conversation goes on) and coughs over it once, recording when the
// bot's audio stopped and resumed at its ear.
import {
  TwilioCaller,
  readFixtureMuLaw,
  type FixtureManifest,
  type StreamRequest,
  type TimelineEntry,
} from '@voice-agent/emulators';

/** Silence before the speech in every utterance fixture, in ms (fixtures/audio/README.md). */
const FIXTURE_LEADING_SILENCE_MS = 150;

/** Where the cough's burst ends in noise/cough.wav, in ms (manifest: burstStartMs + burstMs). */
const COUGH_BURST_END_MS = 500;

/**
 * A false start: the first 500 ms of an utterance (350 ms of voice, like "uh—"), long enough
 * for the barge-in rule but too short for the recognizer to finalize any words.
 */
const FALSE_START_MS = 500;

/** The caller's turns: greeting, then answers spoken over the bot's questions. */
const BARGE_INS: Array<{ utteranceId: string; atMs: number }> = [
  { utteranceId: 'en-IN.confirm-name', atMs: 1500 },
  { utteranceId: 'en-IN.loan-type', atMs: 1000 },
  { utteranceId: 'en-IN.amount', atMs: 1000 },
  { utteranceId: 'en-IN.income', atMs: 1000 },
];

/** What one call measured, in ms of the call's media clock unless said otherwise. */
export interface CallerMeasures {
  /** Speech onset at the caller → bot audio stopped at the caller, per barge-in. */
  reactionMs: number[];
  /** Wall time from the last caller frame sent to the `clear` arriving, per clear. */
  clearAfterFrameMs: number[];
  /** Per noise (cough, false start): interrupted (clear received), and the gap from the
   *  noise's end to the bot resuming at the caller. */
  coughs: Array<{ noise: string; interrupted: boolean; resumedAfterMs: number | undefined }>;
}

/** Plays the benchmark's turns on a stream; resolves with what it measured. */
export async function runBargeInCaller(
  request: StreamRequest,
  manifest: FixtureManifest,
  authToken: string,
): Promise<CallerMeasures> {
  const caller = await TwilioCaller.connect({
    url: request.url,
    customParameters: request.parameters,
    authToken,
    callSid: request.callSid,
  });
  request.signal.addEventListener('abort', () => void caller.stop(), { once: true });
  const measures: CallerMeasures = { reactionMs: [], clearAfterFrameMs: [], coughs: [] };
  watchClears(caller, measures);

  try {
    await caller.wait(300);
    await caller.sendAudio(await readFixtureMuLaw(manifest, 'en-IN.greeting'));
    const fragment = await readFixtureMuLaw(manifest, 'en-IN.human');
    const falseStart = fragment.subarray(0, FALSE_START_MS * 8);
    await noise(caller, 'false start', falseStart, FALSE_START_MS, measures);
    const [first, ...rest] = BARGE_INS;
    if (first) await bargeIn(caller, manifest, first, measures);
    const coughAudio = await readFixtureMuLaw(manifest, 'cough');
    await noise(caller, 'cough', coughAudio, COUGH_BURST_END_MS, measures);
    await replyEnd(caller);
    await caller.sendAudio(await readFixtureMuLaw(manifest, 'en-IN.consent'));
    for (const turn of rest) await bargeIn(caller, manifest, turn, measures);
  } finally {
    await caller.stop();
  }

  return measures;
}

/** Why wall time here: the clear's delay after the frame that triggered it is a few ms. */
function watchClears(caller: TwilioCaller, measures: CallerMeasures): void {
  let lastFrameAtMs = performance.now();
  caller.on('tick', () => (lastFrameAtMs = performance.now()));
  caller.on('timeline', (entry) => {
    if (entry.kind === 'clearReceived')
      measures.clearAfterFrameMs.push(performance.now() - lastFrameAtMs);
  });
}

async function bargeIn(
  caller: TwilioCaller,
  manifest: FixtureManifest,
  turn: { utteranceId: string; atMs: number },
  measures: CallerMeasures,
): Promise<void> {
  if (!(await caller.waitFor(() => caller.botSpeaking, 10_000))) return;
  await caller.wait(turn.atMs);
  if (!caller.botSpeaking) return;

  const from = caller.timeline.length;
  const sentAtMs = caller.nowMs;
  await caller.sendAudio(await readFixtureMuLaw(manifest, turn.utteranceId));
  // Only a stop forced by `clear` counts; a reply that ended on its own is no barge-in.
  const clear = after(caller.timeline, from, 'clearReceived');
  const stop = clear && after(caller.timeline, from, 'botAudioStop');
  if (stop !== undefined)
    measures.reactionMs.push(stop.atMs - (sentAtMs + FIXTURE_LEADING_SILENCE_MS));
}

/** Makes a noise over the bot (`endMs`: where its sound ends) and sees whether it resumes. */
async function noise(
  caller: TwilioCaller,
  name: string,
  audio: Uint8Array,
  endMs: number,
  measures: CallerMeasures,
): Promise<void> {
  if (!(await caller.waitFor(() => caller.botSpeaking, 10_000))) return;
  await caller.wait(800);

  const from = caller.timeline.length;
  const burstEndMs = caller.nowMs + endMs;
  await caller.sendAudio(audio);
  // The bot should resume within its false-interruption window (1.5 s by default).
  const resumedEntry = () => {
    const clear = after(caller.timeline, from, 'clearReceived');

    return clear && after(caller.timeline, caller.timeline.indexOf(clear), 'botAudioStart');
  };
  await caller.waitFor(() => resumedEntry() !== undefined, 4000);

  const clear = after(caller.timeline, from, 'clearReceived');
  const resumed = resumedEntry();
  measures.coughs.push({
    noise: name,
    interrupted: clear !== undefined,
    resumedAfterMs: resumed === undefined ? undefined : resumed.atMs - burstEndMs,
  });
}

/** Waits until the bot has been quiet for 600 ms (its reply is over). */
async function replyEnd(caller: TwilioCaller): Promise<void> {
  let quietSinceMs = caller.nowMs;
  await caller.waitFor(() => {
    if (caller.botSpeaking) quietSinceMs = caller.nowMs;

    return caller.nowMs - quietSinceMs >= 600;
  }, 20_000);
}

function after(timeline: TimelineEntry[], from: number, kind: TimelineEntry['kind']) {
  return timeline.slice(from).find((entry) => entry.kind === kind);
}
