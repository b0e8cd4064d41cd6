// What a call leaves behind when its stream ends.
import type { ProtocolErrorKind } from '../twilio/messages.js';

/** Why a session ended. */
export type SessionEndReason =
  | 'stop' // Twilio sent `stop`
  | 'socket_closed' // the socket closed without `stop`
  | 'idle' // no media for MEDIA_IDLE_TIMEOUT_MS
  | 'binary_frame' // the peer sent a binary frame (closed with 1003)
  | 'oversized_message' // the peer sent a message over the size limit (closed with 1009)
  | 'drain' // the drain window ran out (closed with 1001)
  | 'hang_up'; // the application closed the stream

/** One call's end-of-stream facts: the summary log line and the end event carry it. */
export interface SessionSummary {
  /** Connection id within this server. */
  connectionId: number;
  /** Twilio call ("CA…"); empty when the stream never started. */
  callSid: string;
  /** Twilio stream ("MZ…"); empty when the stream never started. */
  streamSid: string;
  /** `customParameters.callId`: the control API's call id, when Twilio passed it. */
  callId: string | undefined;
  /** `customParameters.leadId`, when passed. */
  leadId: string | undefined;
  /** Why the session ended. */
  reason: SessionEndReason;
  /** WebSocket close code seen or sent. */
  closeCode: number | undefined;
  /** From socket open to end, in ms. */
  durationMs: number;
  /** Twilio media clock at the last inbound frame, in ms (0 before any media). */
  mediaDurationMs: number;
  /** Inbound 20 ms frames accepted. */
  framesIn: number;
  /** Outbound 20 ms frames sent. */
  framesOut: number;
  /** Inbound frames whose 16 kHz PCM came later than LATE_FRAME_MS after arrival. */
  lateFrames: number;
  /** Inbound frames missing from the `media.chunk` sequence (lost before they reached us). */
  missingFrames: number;
  /** Messages refused, by kind. */
  protocolErrors: Partial<Record<ProtocolErrorKind, number>>;
}

/** Where ended sessions go (the control API's outbox plugs in here). Must not throw. */
export interface SessionSink {
  /** Called once per session, after it ended. */
  onSessionEnd(summary: SessionSummary): void;
}
