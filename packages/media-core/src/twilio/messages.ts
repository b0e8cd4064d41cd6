// The messages of a Twilio Media Stream, as typed events. Field names follow Twilio's JSON.

/** Length of one inbound frame: 20 ms of 8 kHz μ-law is 160 bytes (8000 × 0.02). */
export const FRAME_BYTES = 160;

/** Duration of one inbound frame in milliseconds. */
export const FRAME_MS = 20;

/** `connected`: always the first message of a stream. */
export interface ConnectedEvent {
  /** Discriminant. */
  event: 'connected';
  /** Protocol name Twilio sends ("Call"). */
  protocol: string;
  /** Protocol version Twilio sends ("1.0.0"). */
  version: string;
}

/** `start`: the stream's metadata; sent once, before any media. */
export interface StartEvent {
  /** Discriminant. */
  event: 'start';
  /** Counter Twilio adds to every message after `connected` (string in the JSON, parsed here). */
  sequenceNumber: number;
  /** Stream id ("MZ…"), repeated on every later message. */
  streamSid: string;
  /** Account that owns the call ("AC…"). */
  accountSid: string;
  /** Call the stream belongs to ("CA…"). */
  callSid: string;
  /** Tracks Twilio streams, e.g. `["inbound"]`. */
  tracks: string[];
  /** `<Parameter>` values from the TwiML, by name. */
  customParameters: Record<string, string>;
  /** Audio format; the parser only accepts μ-law, 8000 Hz, mono. */
  mediaFormat: { encoding: string; sampleRate: number; channels: number };
}

/** `media`: one frame of caller audio. */
export interface MediaEvent {
  /** Discriminant. */
  event: 'media';
  /** Message counter (see StartEvent). */
  sequenceNumber: number;
  /** Stream id. */
  streamSid: string;
  /** Track the audio belongs to ("inbound"). */
  track: string;
  /** Frame counter from 1. */
  chunk: number;
  /** Twilio media clock: milliseconds since the stream started. */
  timestampMs: number;
  /** The frame's μ-law bytes (decoded from base64; FRAME_BYTES long). */
  payload: Uint8Array;
}

/** `dtmf`: a key the caller pressed (bidirectional streams only). */
export interface DtmfEvent {
  /** Discriminant. */
  event: 'dtmf';
  /** Message counter. */
  sequenceNumber: number;
  /** Stream id. */
  streamSid: string;
  /** Track ("inbound_track"). */
  track: string;
  /** One of 0-9, `*`, `#`. */
  digit: string;
}

/** `mark`: Twilio echoes a mark the server sent once the audio queued before it has played. */
export interface MarkEvent {
  /** Discriminant. */
  event: 'mark';
  /** Message counter. */
  sequenceNumber: number;
  /** Stream id. */
  streamSid: string;
  /** The name the server gave the mark. */
  name: string;
}

/** `stop`: the last message of a stream. */
export interface StopEvent {
  /** Discriminant. */
  event: 'stop';
  /** Message counter. */
  sequenceNumber: number;
  /** Stream id. */
  streamSid: string;
  /** Account of the call. */
  accountSid: string;
  /** Call that ended. */
  callSid: string;
}

/** Any message Twilio sends on a media stream. */
export type TwilioInboundEvent =
  ConnectedEvent | StartEvent | MediaEvent | DtmfEvent | MarkEvent | StopEvent;

/** Why a message was refused; the label of `media_protocol_errors_total{kind}`. */
export type ProtocolErrorKind =
  | 'malformed_json'
  | 'unknown_event'
  | 'invalid_field'
  | 'unsupported_format'
  | 'bad_base64'
  | 'bad_payload_length'
  | 'media_before_start'
  | 'duplicate_start'
  | 'stream_mismatch'
  | 'binary_frame'
  | 'oversized_message';

/** The outcome of parsing one text frame. */
export type ParseResult =
  { ok: true; event: TwilioInboundEvent } | { ok: false; kind: ProtocolErrorKind; detail: string };
