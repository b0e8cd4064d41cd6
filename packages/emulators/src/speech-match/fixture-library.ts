// The fixture utterances the emulated recognizers can "hear": their text and the fingerprint
// of their audio, loaded from fixtures/audio/manifest.json.
import { readFile } from 'node:fs/promises';
import {
  fixturePath,
  loadFixtureManifest,
  type FixtureManifest,
  type UtteranceFixture,
} from '../script/fixture-manifest.js';
import { extractFeatures, type FeatureFrame } from './features.js';
import { EnergySegmenter } from './segmenter.js';
import { decodeWav } from './wav.js';
import { timeWords, type TimedWord } from './words.js';

/** One utterance the matcher knows. */
export interface KnownUtterance {
  /** Manifest id, e.g. `en-IN.consent`. */
  id: string;
  /** BCP-47 language of the text, e.g. `hi-IN`. */
  language: string;
  /** The words spoken. */
  text: string;
  /** The words with estimated time positions. */
  words: TimedWord[];
  /** Feature frames from the first to the last speech frame (silence around trimmed). */
  frames: FeatureFrame[];
}

/**
 * Loads every `utterance` entry of the fixture manifest and fingerprints its audio.
 * @param fixturesDir folder of manifest.json (default: env EMULATOR_FIXTURES_DIR, else the
 *   repository's fixtures/audio)
 */
export async function loadKnownUtterances(fixturesDir?: string): Promise<KnownUtterance[]> {
  const manifest = await loadFixtureManifest(fixturesDir ?? process.env.EMULATOR_FIXTURES_DIR);
  const utterances = manifest.entries.filter(
    (entry): entry is UtteranceFixture => entry.kind === 'utterance',
  );

  return Promise.all(utterances.map((entry) => fingerprint(manifest, entry)));
}

async function fingerprint(
  manifest: FixtureManifest,
  entry: UtteranceFixture,
): Promise<KnownUtterance> {
  const audio = decodeWav(await readFile(fixturePath(manifest, entry)));
  const frames = extractFeatures(audio.samples, audio.sampleRate);

  return {
    id: entry.id,
    language: entry.language,
    text: entry.text,
    words: timeWords(entry.text),
    frames: trimSilence(frames),
  };
}

/** Keeps the frames from the first utterance start to the last utterance end. */
export function trimSilence(frames: FeatureFrame[]): FeatureFrame[] {
  const segmenter = new EnergySegmenter({ endpointingMs: 200 });
  let first: number | undefined;
  let last = 0;
  for (const frame of frames) {
    const event = segmenter.push(frame);
    if (event?.type === 'start') first ??= event.frame;
    if (event?.type === 'end') last = event.frame;
  }

  const tail = segmenter.finish();
  if (tail) last = tail.frame;

  return first === undefined ? [] : frames.slice(first, last);
}
