// One emulated call of the soak: the Twilio caller emulator dials the agent, plays a
// conversation script at real time, hangs up; the control peer must then have the call's end.
// A call is cut (hung up early) when the run's time is up, and failed when it cannot connect,
// outlives MAX_CALL_MS, breaks off with an error, or its end never reaches the control API.
import {
  TwilioCaller,
  TwilioCallerError,
  type ConversationScript,
  type FixtureManifest,
} from '@voice-agent/emulators';

import type { ControlPeer } from './control-peer.js';

/** How one call ended for the soak. */
export type CallResult = 'completed' | 'failed' | 'cut';

/** What the soak keeps of one call. */
export interface CallRecord {
  /** Call id the control peer knew it by. */
  callId: string;
  /** Script it played. */
  script: string;
  /** When it was dialled, ms since the run started. */
  startedAtMs: number;
  /** Dial to the control API having its end (or giving up), ms. */
  durationMs: number;
  /** How it ended. */
  result: CallResult;
  /** Why it failed (failed calls only). */
  reason?: string;
  /** The outcome the agent reported (`qualified`, `do-not-call`, …). */
  outcome?: string;
  /** The agent closed the stream before the script hung up (a goodbye or a hand-off). */
  endedByServer: boolean;
  /** Turns the caller took without the bot having replied within the script's time-out. */
  turnsWithoutReply: number;
}

/** Longest a call may last before it counts as stuck, ms (the longest script is ~2 min). */
export const MAX_CALL_MS = 240_000;

/** How long the control API may wait for a call's end after the hang-up, ms. */
const END_EVENT_TIMEOUT_MS = 15_000;

/** What a call needs besides its script. */
export interface CallContext {
  /** ws://…/media of the agent. */
  mediaUrl: string;
  /** The control peer. */
  control: ControlPeer;
  /** The fixture manifest the scripts' utterances come from. */
  manifest: FixtureManifest;
  /** Aborted when the run's time is up: the call hangs up. */
  signal: AbortSignal;
  /** performance.now() at the start of the run. */
  runStartMs: number;
}

/** Plays `script` as call `callId`; never throws (a failure is a record). */
export async function runCall(
  callId: string,
  script: ConversationScript,
  context: CallContext,
): Promise<CallRecord> {
  const startedAt = performance.now();
  const record: CallRecord = {
    callId,
    script: script.name,
    startedAtMs: startedAt - context.runStartMs,
    durationMs: 0,
    result: 'completed',
    endedByServer: false,
    turnsWithoutReply: 0,
  };
  context.control.expect(callId, script.language);

  const played = await play(callId, script, context, record);
  if (played !== 'failed') {
    const seen = await context.control.waitForEnd(callId, END_EVENT_TIMEOUT_MS);
    if (seen?.outcome !== undefined) record.outcome = seen.outcome;
    if (seen?.ended !== true) fail(record, 'no call_ended event reached the control API');
  }
  if (played === 'cut' && record.result !== 'failed') record.result = 'cut';

  record.durationMs = performance.now() - startedAt;

  return record;
}

/** Connects and plays; marks the record failed or returns whether the run's end cut it. */
async function play(
  callId: string,
  script: ConversationScript,
  context: CallContext,
  record: CallRecord,
): Promise<'played' | 'cut' | 'failed'> {
  let caller: TwilioCaller;
  try {
    caller = await TwilioCaller.connect({
      url: context.mediaUrl,
      customParameters: { callId, language: script.language },
    });
  } catch (error) {
    fail(record, `connect: ${messageOf(error)}`);
    return 'failed';
  }

  let cut = false;
  let timedOut = false;
  const hangUp = () => {
    cut = true;
    void caller.stop();
  };
  context.signal.addEventListener('abort', hangUp, { once: true });
  if (context.signal.aborted) hangUp();
  // Why a timer and not a media-clock wait: a stuck server would also stop the caller's replies
  // from arriving, and the run must end in bounded time whatever the server does.
  const timer = setTimeout(() => {
    timedOut = true;
    void caller.stop();
  }, MAX_CALL_MS);

  try {
    const turns = await caller.playScript(script, context.manifest);
    record.turnsWithoutReply = turns.filter((turn) => turn.replyTimedOut).length;
  } catch (error) {
    // The stream closed under the script: the agent ended the call (or we hung up).
    if (!(error instanceof TwilioCallerError && error.code === 'CALLER_CLOSED')) {
      fail(record, `script: ${messageOf(error)}`);
    }
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', hangUp);
    await caller.stop();
  }

  record.endedByServer = !cut && !caller.timeline.some((entry) => entry.kind === 'stopSent');
  if (timedOut) fail(record, `still open after ${MAX_CALL_MS / 1000} s`);
  if (record.result === 'failed') return 'failed';

  return cut ? 'cut' : 'played';
}

function fail(record: CallRecord, reason: string): void {
  record.result = 'failed';
  record.reason ??= reason;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
