// The caller side of Twilio Media Streams, as lean as a load generator needs: the fixture cut
// into 20 ms μ-law frames (base64 once, up front), and the messages Twilio sends, written in
// Twilio's own key order so the server takes the same path as with real Twilio traffic.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One Twilio frame: 20 ms of 8 kHz μ-law (Twilio Media Streams). */
export const FRAME_MS = 20;
/** Bytes of one frame: 8000 samples/s × 0.02 s, one byte per μ-law sample. */
export const FRAME_BYTES = 160;

/** WAVE_FORMAT_MULAW in the `fmt ` chunk. */
const WAVE_FORMAT_MULAW = 7;

/**
 * Reads an 8 kHz mono μ-law WAV and returns its whole 20 ms frames as base64 payloads.
 * Throws naming the rule the file breaks.
 */
export function loadFramePayloads(path: string): string[] {
  const muLaw = readMuLawWav(path);
  const frames: string[] = [];
  for (let offset = 0; offset + FRAME_BYTES <= muLaw.length; offset += FRAME_BYTES) {
    frames.push(muLaw.subarray(offset, offset + FRAME_BYTES).toString('base64'));
  }
  if (frames.length === 0) throw new Error(`${path}: shorter than one 20 ms frame`);

  return frames;
}

/** The `data` chunk of a RIFF/WAVE file whose `fmt ` says μ-law, 8000 Hz, one channel. */
function readMuLawWav(path: string): Buffer {
  const file = readFileSync(path);
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a RIFF/WAVE file`);
  }

  let format: { audioFormat: number; channels: number; sampleRate: number } | undefined;
  // Chunks follow the 12-byte header; each is id, little-endian size, body padded to even.
  for (let offset = 12; offset + 8 <= file.length;) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
      };
    }
    if (id === 'data') {
      if (format?.audioFormat !== WAVE_FORMAT_MULAW || format.channels !== 1) {
        throw new Error(`${path}: fmt must be μ-law (7), mono`);
      }
      if (format.sampleRate !== 8000) throw new Error(`${path}: sample rate must be 8000 Hz`);

      return file.subarray(body, Math.min(body + size, file.length));
    }
    offset = body + size + (size % 2);
  }

  throw new Error(`${path}: no data chunk`);
}

/** The ids of one emulated call. */
export interface CallIds {
  /** "AC" + 32 hex. */
  accountSid: string;
  /** "CA" + 32 hex. */
  callSid: string;
  /** "MZ" + 32 hex. */
  streamSid: string;
}

/** Fresh random ids in Twilio's shapes. */
export function newCallIds(): CallIds {
  const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

  return { accountSid: sid('AC'), callSid: sid('CA'), streamSid: sid('MZ') };
}

/** `connected`: always Twilio's first message; it carries no sequence number. */
export function connectedMessage(): string {
  return '{"event":"connected","protocol":"Call","version":"1.0.0"}';
}

/** `start`: sequence number 1; media format as Twilio states it for Media Streams. */
export function startMessage(ids: CallIds, customParameters: Record<string, string>): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: ids.accountSid,
      streamSid: ids.streamSid,
      callSid: ids.callSid,
      tracks: ['inbound'],
      customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: ids.streamSid,
  });
}

/**
 * `media` number `chunk` (from 1), whose sequence number follows `start`'s; the timestamp is
 * the stream's media clock, 20 ms per chunk. Built by concatenation: this runs 50 times a
 * second per call, and every field is a plain token that needs no JSON escaping.
 */
export function mediaMessage(streamSid: string, chunk: number, payload: string): string {
  return (
    `{"event":"media","sequenceNumber":"${chunk + 1}","media":{"track":"inbound",` +
    `"chunk":"${chunk}","timestamp":"${(chunk - 1) * FRAME_MS}","payload":"${payload}"},` +
    `"streamSid":"${streamSid}"}`
  );
}

/** `stop`: the last message; `sequenceNumber` follows the last media message's. */
export function stopMessage(ids: CallIds, sequenceNumber: number): string {
  return JSON.stringify({
    event: 'stop',
    sequenceNumber: String(sequenceNumber),
    streamSid: ids.streamSid,
    stop: { accountSid: ids.accountSid, callSid: ids.callSid },
  });
}
