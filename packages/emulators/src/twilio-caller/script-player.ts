// Plays a conversation script (script/conversation-script.ts) on a connected caller: each turn
// waits for its cue (the bot's reply ending, the previous turn, or a point inside the bot's
// reply for a barge-in), then says its utterance fixture or presses its key.
import {
  readFixtureMuLaw,
  type CallerTurn,
  type ConversationScript,
  type FixtureManifest,
} from '../script/conversation-script.js';
import type { TwilioCaller } from './caller.js';

/** Quiet the bot must keep before its reply counts as finished, in ms: sentences have gaps. */
const REPLY_END_QUIET_MS = 400;

/** When each turn ran, on the call's media clock. */
export interface PlayedTurn {
  /** Index in the script. */
  index: number;
  /** When the caller started the turn, ms. */
  startedAtMs: number;
  /** When its audio (or key press) was sent, ms. */
  endedAtMs: number;
  /** The bot never started a reply within replyTimeoutMs before this turn. */
  replyTimedOut: boolean;
}

/** Plays every turn, waits for the bot's last reply, then hangs up. */
export async function playScript(
  call: TwilioCaller,
  script: ConversationScript,
  manifest: FixtureManifest,
): Promise<PlayedTurn[]> {
  const played: PlayedTurn[] = [];

  for (const [index, turn] of script.turns.entries()) {
    const replyTimedOut = !(await waitForCue(call, turn, script.replyTimeoutMs));
    const startedAtMs = call.nowMs;

    await act(call, turn, manifest);
    played.push({ index, startedAtMs, endedAtMs: call.nowMs, replyTimedOut });
  }

  await waitForReplyEnd(call, script.replyTimeoutMs);
  await call.wait(script.hangupAfterMs);
  await call.stop();
  return played;
}

async function waitForCue(
  call: TwilioCaller,
  turn: CallerTurn,
  replyTimeoutMs: number,
): Promise<boolean> {
  const start = turn.start;
  if (start.kind === 'after-turn') {
    await call.wait(start.gapMs);
    return true;
  }

  if (start.kind === 'after-bot') {
    const replied = await waitForReplyEnd(call, replyTimeoutMs);
    await call.wait(start.gapMs);
    return replied;
  }

  // barge-in: speak atMs into the bot's reply, or when it ends if it is shorter.
  const replied = await call.waitFor(() => call.botSpeaking, replyTimeoutMs);
  const at = call.nowMs + start.atMs;
  await call.waitFor(() => call.nowMs >= at || !call.botSpeaking, start.atMs + 20);
  return replied;
}

async function waitForReplyEnd(call: TwilioCaller, replyTimeoutMs: number): Promise<boolean> {
  const replied = await call.waitFor(() => call.botSpeaking, replyTimeoutMs);
  if (!replied) return false;

  let quietSinceMs = call.nowMs;
  // Limit: a reply longer than 10 minutes is taken as ended; a stuck bot cannot hang a script.
  await call.waitFor(() => {
    if (call.botSpeaking) quietSinceMs = call.nowMs;
    return call.nowMs - quietSinceMs >= REPLY_END_QUIET_MS;
  }, 600_000);
  return true;
}

async function act(call: TwilioCaller, turn: CallerTurn, manifest: FixtureManifest): Promise<void> {
  if (turn.action.kind === 'dtmf') {
    call.dtmf(turn.action.digit);
    return;
  }

  await call.sendAudio(await readFixtureMuLaw(manifest, turn.action.utteranceId));
}
