// Reads the audio fixtures (fixtures/audio: 8 kHz μ-law WAV files and their manifest) for the
// DSP, VAD and playback tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { decodeMuLaw, encodeMuLaw } from '../../src/audio/index.js';

/** One entry of fixtures/audio/manifest.json, the fields these tests read. */
export interface FixtureEntry {
  /** Unique id, e.g. `en-IN.greeting`. */
  id: string;
  /** utterance, silence, noise, cough or long-call. */
  kind: string;
  /** Path relative to fixtures/audio. */
  file: string;
  /** Length in ms. */
  durationMs: number;
  /** Cough only: where the burst starts, in ms. */
  burstStartMs?: number;
  /** Cough only: burst length, in ms. */
  burstMs?: number;
}

/** fixtures/audio, from packages/media-core/dist/test/<folder>/. */
export const FIXTURES_DIR = fileURLToPath(
  new URL('../../../../../fixtures/audio/', import.meta.url),
);

/** The manifest's entries. */
export function fixtureEntries(): FixtureEntry[] {
  const manifest = JSON.parse(readFileSync(`${FIXTURES_DIR}manifest.json`, 'utf8')) as {
    entries: FixtureEntry[];
  };
  return manifest.entries;
}

/** The μ-law bytes of a fixture (the data chunk of its WAV file). */
export function fixtureMuLaw(entry: FixtureEntry): Uint8Array {
  return wavData(readFileSync(`${FIXTURES_DIR}${entry.file}`));
}

/** The data chunk of a RIFF/WAVE file, walking the chunk list (fmt, fact, data…). */
export function wavData(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = 12;

  while (offset + 8 <= file.byteLength) {
    const id = String.fromCharCode(...file.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === 'data') return file.subarray(offset + 8, offset + 8 + size);

    offset += 8 + size + (size % 2);
  }
  throw new Error('wav file has no data chunk');
}

/** Splits μ-law audio into 20 ms Twilio frames (160 bytes; the last one may be shorter). */
export function toFrames(muLaw: Uint8Array, frameBytes = 160): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < muLaw.length; offset += frameBytes) {
    frames.push(muLaw.subarray(offset, offset + frameBytes));
  }
  return frames;
}

/**
 * A recording with a noise recording added under it, sample by sample (the noise looped to the
 * recording's length, the sum clipped to PCM16), re-encoded as μ-law as a phone line carries it.
 */
export function mixMuLaw(signal: Uint8Array, noise: Uint8Array): Uint8Array {
  const signalPcm = decodeMuLaw(signal);
  const noisePcm = decodeMuLaw(noise);
  const mixed = new Int16Array(signalPcm.length);

  for (let i = 0; i < mixed.length; i++) {
    const sum = (signalPcm[i] ?? 0) + (noisePcm[i % noisePcm.length] ?? 0);
    mixed[i] = Math.max(-32768, Math.min(32767, sum));
  }
  return encodeMuLaw(mixed);
}
