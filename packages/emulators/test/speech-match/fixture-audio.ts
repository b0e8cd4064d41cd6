// Test support: fixture utterances as the emulators receive them (8 kHz μ-law decoded with the
// project codec, resampled to 16 kHz with the project resampler), with silence around.
import { decodeMuLaw, resample } from '@voice-agent/media-core/audio';
import {
  loadFixtureManifest,
  readFixtureMuLaw,
  utteranceOf,
  type FixtureManifest,
} from '../../src/script/fixture-manifest.js';

let manifest: Promise<FixtureManifest> | undefined;

/** The repository's fixture manifest (loaded once). */
export function fixtures(): Promise<FixtureManifest> {
  return (manifest ??= loadFixtureManifest());
}

/** A fixture's audio as 16 kHz PCM16, with silenceMs of silence before and after. */
export async function fixturePcm16k(id: string, silenceMs = 400): Promise<Int16Array> {
  const codes = await readFixtureMuLaw(await fixtures(), id);
  const pcm = resample(decodeMuLaw(codes), 8000, 16000);

  const pad = Math.round((silenceMs * 16000) / 1000);
  const padded = new Int16Array(pcm.length + 2 * pad);
  padded.set(pcm, pad);
  return padded;
}

/** The fixture's text. */
export async function fixtureText(id: string): Promise<string> {
  return utteranceOf(await fixtures(), id).text;
}

/** PCM16 as little-endian bytes. */
export function toBytes(samples: Int16Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}
