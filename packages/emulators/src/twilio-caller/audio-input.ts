// Turns what a test or script hands the caller (μ-law bytes, PCM at any rate, a WAV file)
// into the 8 kHz μ-law a Twilio caller sends, and writes what the caller heard as a WAV.
import { readFile } from 'node:fs/promises';

import { encodeMuLaw, resample } from '@voice-agent/media-core/audio';

import { decodeWav, encodeWav } from '../speech-match/wav.js';
import { decodeMuLaw } from '@voice-agent/media-core/audio';

/** Audio for the caller to speak. */
export type CallerAudio =
  /** 8 kHz μ-law bytes, as Twilio carries them. */
  | Uint8Array
  /** PCM16 mono at `sampleRate` Hz. */
  | { pcm: Int16Array; sampleRate: number };

/** Converts caller audio to 8 kHz μ-law. */
export function toMuLaw(audio: CallerAudio): Uint8Array {
  if (audio instanceof Uint8Array) return audio;

  const pcm8k = audio.sampleRate === 8000 ? audio.pcm : resample(audio.pcm, audio.sampleRate, 8000);
  return encodeMuLaw(pcm8k);
}

/** Reads a WAV file (any PCM depth or μ-law, any rate) as 8 kHz μ-law. */
export async function readWavAsMuLaw(path: string): Promise<Uint8Array> {
  const { samples, sampleRate } = decodeWav(await readFile(path));

  return toMuLaw({ pcm: samples, sampleRate });
}

/** Sample encodings of the recording of what the caller heard. */
export type HeardEncoding = 'mulaw' | 'linear16';

/** Wraps 8 kHz μ-law in a WAV file, as μ-law bytes unchanged or decoded to PCM16. */
export function heardWav(muLaw: Uint8Array, encoding: HeardEncoding = 'mulaw'): Buffer {
  if (encoding === 'linear16') return encodeWav(decodeMuLaw(muLaw), 8000, 'linear16');

  // Write the codes as received: re-encoding decoded μ-law could change codes.
  const header = encodeWav(new Int16Array(0), 8000, 'mulaw');
  header.writeUInt32LE(36 + muLaw.length, 4);
  header.writeUInt32LE(muLaw.length, 40);
  return Buffer.concat([header, muLaw]);
}
