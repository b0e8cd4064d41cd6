// Parses one text frame of a Twilio Media Stream into a typed event, or says why it cannot.
// Shape checks only: what depends on the stream's history (media before start) is the
// session's job.
import {
  counterField,
  objectField,
  stringField,
  stringListField,
  stringMapField,
  type JsonObject,
} from './fields.js';
import type { ParseResult, TwilioInboundEvent } from './messages.js';
import { parseMediaFast } from './parse-media-fast.js';
import { decodePayload, type PayloadFailure } from './payload.js';

/** DTMF keys Twilio reports: 0-9, `*` and `#`. */
const DTMF_DIGIT = /^[0-9*#]$/;

type Parsed = TwilioInboundEvent | ParseFailure;

type ParseFailure =
  PayloadFailure | { ok: false; kind: 'invalid_field' | 'unsupported_format'; detail: string };

function invalid(detail: string): ParseFailure {
  return { ok: false, kind: 'invalid_field', detail };
}

/**
 * Parses one text frame; never throws. With `into` (a FRAME_BYTES Buffer the caller reuses) a
 * `media` payload is decoded there instead of into a new Buffer: the event's payload is then
 * only valid until the next call with the same `into`.
 */
export function parseTwilioMessage(text: string, into?: Buffer): ParseResult {
  const fast = parseMediaFast(text, into);
  if (fast !== undefined) return wrap(fast);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'malformed_json', detail: 'text frame is not valid JSON' };
  }

  const message = objectField(json);
  if (message === undefined) return invalid('message must be a JSON object');

  return wrap(parseObject(message, into));
}

function wrap(parsed: Parsed | ParseResult): ParseResult {
  if ('ok' in parsed) return parsed;

  return { ok: true, event: parsed };
}

function parseObject(message: JsonObject, into: Buffer | undefined): Parsed | ParseResult {
  const event = message.event;
  if (typeof event !== 'string') return invalid('event must be a string');

  switch (event) {
    case 'connected':
      return parseConnected(message);
    case 'start':
      return parseStart(message);
    case 'media':
      return parseMedia(message, into);
    case 'dtmf':
      return parseDtmf(message);
    case 'mark':
      return parseMark(message);
    case 'stop':
      return parseStop(message);
    default:
      return { ok: false, kind: 'unknown_event', detail: 'event is not one Twilio sends' };
  }
}

function parseConnected(message: JsonObject): Parsed {
  const protocol = stringField(message, 'protocol');
  const version = stringField(message, 'version');
  if (protocol === undefined) return invalid('connected.protocol must be a non-empty string');
  if (version === undefined) return invalid('connected.version must be a non-empty string');

  return { event: 'connected', protocol, version };
}

/** Every message after `connected` carries `sequenceNumber` and `streamSid` (Twilio docs). */
function streamHeader(
  message: JsonObject,
  streamSid: string | undefined,
): { sequenceNumber: number; streamSid: string } | ParseFailure {
  const sequenceNumber = counterField(message, 'sequenceNumber');
  if (sequenceNumber === undefined) return invalid('sequenceNumber must be a decimal string');
  if (streamSid === undefined) return invalid('streamSid must be a non-empty string');

  return { sequenceNumber, streamSid };
}

function parseStart(message: JsonObject): Parsed {
  const start = objectField(message.start);
  if (start === undefined) return invalid('start must be an object');

  const header = streamHeader(message, stringField(start, 'streamSid'));
  if ('ok' in header) return header;

  const accountSid = stringField(start, 'accountSid');
  const callSid = stringField(start, 'callSid');
  const tracks = stringListField(start, 'tracks');
  const customParameters = stringMapField(start, 'customParameters');
  if (accountSid === undefined) return invalid('start.accountSid must be a non-empty string');
  if (callSid === undefined) return invalid('start.callSid must be a non-empty string');
  if (tracks === undefined) return invalid('start.tracks must be an array of strings');
  if (customParameters === undefined) {
    return invalid('start.customParameters must be an object of strings');
  }

  const mediaFormat = parseMediaFormat(start.mediaFormat);
  if ('ok' in mediaFormat) return mediaFormat;

  return { event: 'start', ...header, accountSid, callSid, tracks, customParameters, mediaFormat };
}

/** A bidirectional stream is μ-law, 8000 Hz, mono (Twilio's `start.mediaFormat`). */
function parseMediaFormat(value: unknown): StartMediaFormat | ParseFailure {
  const format = objectField(value);
  if (format === undefined) return invalid('start.mediaFormat must be an object');

  const { encoding, sampleRate, channels } = format;
  if (typeof encoding !== 'string' || typeof sampleRate !== 'number') {
    return invalid('start.mediaFormat needs encoding (string) and sampleRate (number)');
  }
  if (typeof channels !== 'number') return invalid('start.mediaFormat.channels must be a number');

  if (encoding !== 'audio/x-mulaw' || sampleRate !== 8000 || channels !== 1) {
    const detail = 'start.mediaFormat must be audio/x-mulaw, 8000 Hz, 1 channel';

    return { ok: false, kind: 'unsupported_format', detail };
  }

  return { encoding, sampleRate, channels };
}

type StartMediaFormat = { encoding: string; sampleRate: number; channels: number };

function parseMedia(message: JsonObject, into: Buffer | undefined): Parsed {
  const media = objectField(message.media);
  if (media === undefined) return invalid('media must be an object');

  const header = streamHeader(message, stringField(message, 'streamSid'));
  if ('ok' in header) return header;

  const track = stringField(media, 'track');
  const chunk = counterField(media, 'chunk');
  const timestampMs = counterField(media, 'timestamp');
  const payloadText = media.payload;
  if (track === undefined) return invalid('media.track must be a non-empty string');
  if (chunk === undefined) return invalid('media.chunk must be a decimal string');
  if (timestampMs === undefined) return invalid('media.timestamp must be a decimal string');
  if (typeof payloadText !== 'string') return invalid('media.payload must be a string');

  const payload = decodePayload(payloadText, into);
  if (!(payload instanceof Uint8Array)) return payload;

  return { event: 'media', ...header, track, chunk, timestampMs, payload };
}

function parseDtmf(message: JsonObject): Parsed {
  const dtmf = objectField(message.dtmf);
  if (dtmf === undefined) return invalid('dtmf must be an object');

  const header = streamHeader(message, stringField(message, 'streamSid'));
  if ('ok' in header) return header;

  const track = stringField(dtmf, 'track') ?? 'inbound_track';
  const digit = stringField(dtmf, 'digit');
  if (digit === undefined || !DTMF_DIGIT.test(digit)) {
    return invalid('dtmf.digit must be one of 0-9, * or #');
  }

  return { event: 'dtmf', ...header, track, digit };
}

function parseMark(message: JsonObject): Parsed {
  const mark = objectField(message.mark);
  if (mark === undefined) return invalid('mark must be an object');

  const header = streamHeader(message, stringField(message, 'streamSid'));
  if ('ok' in header) return header;

  const name = stringField(mark, 'name');
  if (name === undefined) return invalid('mark.name must be a non-empty string');

  return { event: 'mark', ...header, name };
}

function parseStop(message: JsonObject): Parsed {
  const stop = objectField(message.stop) ?? {};
  const header = streamHeader(message, stringField(message, 'streamSid'));
  if ('ok' in header) return header;

  // Twilio puts both sids in `stop`; a stop without them still ends the stream.
  const accountSid = stringField(stop, 'accountSid') ?? '';
  const callSid = stringField(stop, 'callSid') ?? '';

  return { event: 'stop', ...header, accountSid, callSid };
}
