// One-shot call: connect, say something, listen for a while, hang up, return what happened.
import type { CallerAudio } from './audio-input.js';
import { TwilioCaller, type TimelineEntry, type TwilioCallerOptions } from './caller.js';

/** Options of placeCall. */
export interface PlaceCallOptions extends TwilioCallerOptions {
  /** What the caller says right after `start` (none: the caller stays silent). */
  audio?: CallerAudio;
  /** How long to stay on the line after the caller's audio, in ms of media clock; default 2000. */
  listenMs?: number;
}

/** What a one-shot call observed. */
export interface PlacedCall {
  /** The caller's stream id. */
  streamSid: string;
  /** Everything the caller heard, 8 kHz μ-law, one frame per 20 ms of the call. */
  heard: Uint8Array;
  /** Timings: bot audio start/stop, marks echoed, clears. */
  timeline: TimelineEntry[];
  /** Length of the call on the media clock, in ms. */
  durationMs: number;
}

/** Places one call and hangs up after the audio and `listenMs`. */
export async function placeCall(options: PlaceCallOptions): Promise<PlacedCall> {
  const call = await TwilioCaller.connect(options);
  try {
    if (options.audio !== undefined) await call.sendAudio(options.audio);
    await call.wait(options.listenMs ?? 2000);
  } finally {
    await call.stop();
  }

  return {
    streamSid: call.streamSid,
    heard: call.heard(),
    timeline: call.timeline,
    durationMs: call.nowMs,
  };
}
