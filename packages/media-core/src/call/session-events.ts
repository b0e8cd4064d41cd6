// The typed events a call session emits: where later stages (speech, dialogue) hook in.
import type { DspFrameFeatures } from './collaborators.js';
import type { SessionSummary } from './summary.js';

/** Lifecycle of a session. */
export type SessionState = 'connected' | 'started' | 'streaming' | 'stopped';

/** Payload of `started`. */
export interface SessionStarted {
  /** Twilio call ("CA…"). */
  callSid: string;
  /** Twilio stream ("MZ…"). */
  streamSid: string;
  /** Twilio account ("AC…"). */
  accountSid: string;
  /** Tracks Twilio streams. */
  tracks: string[];
  /** `<Parameter>` values from the TwiML (`callId`, `leadId`, `language`, …). */
  customParameters: Record<string, string>;
}

/** Payload of `audio`: one DSP tick of caller audio. */
export interface SessionAudio {
  /** 16 kHz mono PCM16, sample-continuous with the previous `audio` event. */
  pcm16k: Int16Array;
  /** Per 20 ms frame features (energy, voice activity), in order. */
  frames: DspFrameFeatures[];
  /** Twilio media clock of the latest frame received, in ms. */
  mediaTimestampMs: number;
}

/** Payload of `speech`: the caller started or stopped talking (VAD with its hangover). */
export interface SessionSpeech {
  /** `start` when speech begins, `end` when it ends. */
  type: 'start' | 'end';
  /** Twilio media clock of the latest frame received when it changed, in ms. */
  mediaTimestampMs: number;
}

/** Payload of `dtmf`. */
export interface SessionDtmf {
  /** One of 0-9, `*`, `#`. */
  digit: string;
  /** Twilio media clock at the key press, in ms. */
  mediaTimestampMs: number;
}

/** Event map of CallSession. */
export interface CallSessionEvents {
  /** Twilio sent `start`: the call's ids and parameters are known. */
  started: [started: SessionStarted];
  /**
   * One inbound frame, raw μ-law (before DSP); `receivedAtMs` is performance.now(). `muLaw` is
   * reused for the next frame: a listener that keeps the bytes must copy them.
   */
  media: [muLaw: Uint8Array, mediaTimestampMs: number, receivedAtMs: number];
  /** Caller audio at 16 kHz with features, once per DSP tick. */
  audio: [audio: SessionAudio];
  /** Speech started or ended. */
  speech: [speech: SessionSpeech];
  /** The caller pressed a key. */
  dtmf: [dtmf: SessionDtmf];
  /** Twilio echoed a mark (after playback saw it). */
  mark: [name: string];
  /** The session ended; emitted once. */
  stopped: [summary: SessionSummary];
}
