// The manifest of the committed audio fixtures (fixtures/audio/manifest.json): what each WAV
// holds, and how to find and read it. The format is documented in fixtures/audio/README.md.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';
import {
  FixtureError,
  arrayAt,
  choiceAt,
  integerAt,
  invalid,
  languageAt,
  numberAt,
  objectAt,
  parseJson,
  patternAt,
  stringAt,
} from './field-check.js';

/** What a fixture holds, so tests can select fixtures by kind. */
export type FixtureKind = 'utterance' | 'silence' | 'noise' | 'cough' | 'long-call';

/** The kinds in the order the manifest lists them. */
export const FIXTURE_KINDS: readonly FixtureKind[] = [
  'utterance',
  'silence',
  'noise',
  'cough',
  'long-call',
];

/** What every fixture entry has. */
interface FixtureBase {
  /** Unique id, e.g. `en-IN.consent` or `line-noise-45dbfs`. */
  id: string;
  /** The WAV file, relative to the fixtures folder (`en-IN/consent.wav`). */
  file: string;
  /** Length of the audio in milliseconds. */
  durationMs: number;
}

/** One caller utterance of the loan conversation. */
export interface UtteranceFixture extends FixtureBase {
  /** Always `utterance`. */
  kind: 'utterance';
  /** BCP-47 language of the speech, e.g. `hi-IN`. */
  language: string;
  /**
   * What the caller means (`consent`, `loan-type`, `do-not-call`, …), the same in every language.
   */
  intent: string;
  /** The words spoken, in the language's own script. */
  text: string;
  /** The espeak-ng voice that spoke it. */
  voice: string;
}

/** Digital silence (every sample zero). */
export interface SilenceFixture extends FixtureBase {
  /** Always `silence`. */
  kind: 'silence';
}

/** Phone-band white noise at a fixed level. */
export interface NoiseFixture extends FixtureBase {
  /** Always `noise`. */
  kind: 'noise';
  /** RMS level of the noise in dBFS. */
  levelDbfs: number;
}

/** A short noise burst with a fast attack and decay, inside surrounding silence. */
export interface CoughFixture extends FixtureBase {
  /** Always `cough`. */
  kind: 'cough';
  /** Where the burst starts, in milliseconds from the start of the file. */
  burstStartMs: number;
  /** Length of the burst in milliseconds. */
  burstMs: number;
  /** Peak level of the burst in dBFS. */
  peakDbfs: number;
}

/** Where speech sits inside a long call. */
export interface SpeechSegment {
  /** The utterance fixture whose audio is copied there. */
  utteranceId: string;
  /** Start of the speech in milliseconds from the start of the file. */
  startMs: number;
  /** End of the speech in milliseconds from the start of the file. */
  endMs: number;
}

/** A call longer than provider stream limits: speech at the start and end, line noise between. */
export interface LongCallFixture extends FixtureBase {
  /** Always `long-call`. */
  kind: 'long-call';
  /** BCP-47 language of the speech. */
  language: string;
  /** The speech in the call, in order. */
  segments: SpeechSegment[];
}

/** One fixture of the manifest; `kind` tells which. */
export type FixtureEntry =
  UtteranceFixture | SilenceFixture | NoiseFixture | CoughFixture | LongCallFixture;

/** The parsed manifest, with the absolute folder its files are relative to. */
export interface FixtureManifest {
  /** Absolute path of the fixtures folder. */
  dir: string;
  /** Format version of the manifest. */
  version: 1;
  /** The script and tool versions that made the fixtures. */
  generator: string;
  /** Every fixture, in manifest order. */
  entries: FixtureEntry[];
  /** Every fixture by id. */
  byId: ReadonlyMap<string, FixtureEntry>;
}

/** Ids and file names stay portable: no spaces, no parent folders. */
const FIXTURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FIXTURE_FILE = /^(?!.*\.\.)[A-Za-z0-9._/-]+\.wav$/;

/** Longest fixture accepted, in milliseconds (one hour). */
const MAX_DURATION_MS = 3_600_000;

/**
 * The repository's fixtures/audio folder, found by walking up from this module, so it works
 * from `src/` (tsx) and from `dist/src/` alike.
 */
export function defaultFixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));

  for (;;) {
    const candidate = join(dir, 'fixtures', 'audio');
    if (existsSync(join(candidate, 'manifest.json'))) return candidate;

    const parent = dirname(dir);
    if (parent === dir) {
      throw new FixtureError(
        'FIXTURE_NOT_FOUND',
        '',
        'no fixtures/audio/manifest.json above ' + dir,
      );
    }
    dir = parent;
  }
}

/** Reads and checks `manifest.json` of `dir` (default: the repository's fixtures/audio). */
export async function loadFixtureManifest(dir?: string): Promise<FixtureManifest> {
  const root = resolve(dir ?? defaultFixturesDir());
  const path = join(root, 'manifest.json');

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError('FIXTURE_NOT_FOUND', '', `cannot read ${path}`, { cause: error });
  }

  return parseFixtureManifest(parseJson(text, path), root);
}

/** Checks a manifest document; `dir` is the folder its `file` fields are relative to. */
export function parseFixtureManifest(json: unknown, dir: string): FixtureManifest {
  const doc = objectAt(json, '');
  if (doc['version'] !== 1) invalid('version', 'must be 1');

  const entries = arrayAt(doc['entries'], 'entries').map((value, index) =>
    parseEntry(value, `entries[${index}]`),
  );

  const byId = new Map<string, FixtureEntry>();
  entries.forEach((entry, index) => {
    if (byId.has(entry.id)) invalid(`entries[${index}].id`, `"${entry.id}" is used twice`);
    byId.set(entry.id, entry);
  });
  checkSegments(entries, byId);

  return {
    dir: resolve(dir),
    version: 1,
    generator: String(doc['generator'] ?? ''),
    entries,
    byId,
  };
}

/** The utterance with `id`, or `FIXTURE_NOT_FOUND` when there is none. */
export function utteranceOf(manifest: FixtureManifest, id: string): UtteranceFixture {
  const entry = manifest.byId.get(id);
  if (entry?.kind !== 'utterance') {
    throw new FixtureError('FIXTURE_NOT_FOUND', '', `no utterance fixture "${id}"`);
  }

  return entry;
}

/** Absolute path of a fixture's WAV file. */
export function fixturePath(manifest: FixtureManifest, entry: FixtureEntry): string {
  return join(manifest.dir, entry.file);
}

/** The fields of wavefile's reader this module uses (its typings declare them as `object`). */
interface WaveView {
  fmt: { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  data: { samples: Uint8Array; chunkSize: number };
}

/** WAVE format tag of G.711 μ-law. */
const WAVE_FORMAT_MULAW = 7;

/**
 * The μ-law codes of a fixture (8 kHz, mono, one byte a sample), as a Twilio caller sends them.
 * Fails with `FIXTURE_FORMAT` when the file is not 8 kHz mono μ-law.
 */
export async function readFixtureMuLaw(manifest: FixtureManifest, id: string): Promise<Uint8Array> {
  const entry = manifest.byId.get(id);
  if (entry === undefined) throw new FixtureError('FIXTURE_NOT_FOUND', '', `no fixture "${id}"`);

  const path = fixturePath(manifest, entry);
  const wav = new wavefile.WaveFile(await readFile(path)) as unknown as WaveView;

  const { audioFormat, numChannels, sampleRate } = wav.fmt;
  if (audioFormat !== WAVE_FORMAT_MULAW || numChannels !== 1 || sampleRate !== 8000) {
    throw new FixtureError(
      'FIXTURE_FORMAT',
      '',
      `${path}: must be 8 kHz mono μ-law, is format ${audioFormat}, ` +
        `${numChannels} channel(s), ${sampleRate} Hz`,
    );
  }

  // wavefile 11 counts the RIFF pad byte of an odd-sized data chunk as a sample: keep the
  // declared size.
  return new Uint8Array(wav.data.samples.subarray(0, wav.data.chunkSize));
}

/** Checks one entry of `entries`. */
function parseEntry(value: unknown, field: string): FixtureEntry {
  const raw = objectAt(value, field);
  const base = {
    id: patternAt(raw['id'], `${field}.id`, FIXTURE_ID, 'must be letters, digits, . _ or -'),
    file: patternAt(raw['file'], `${field}.file`, FIXTURE_FILE, 'must be a relative .wav path'),
    durationMs: integerAt(raw['durationMs'], `${field}.durationMs`, 1, MAX_DURATION_MS),
  };

  const kind = choiceAt(raw['kind'], `${field}.kind`, FIXTURE_KINDS);
  switch (kind) {
    case 'utterance':
      return {
        ...base,
        kind,
        language: languageAt(raw['language'], `${field}.language`),
        intent: stringAt(raw['intent'], `${field}.intent`),
        text: stringAt(raw['text'], `${field}.text`),
        voice: stringAt(raw['voice'], `${field}.voice`),
      };
    case 'silence':
      return { ...base, kind };
    case 'noise':
      return {
        ...base,
        kind,
        levelDbfs: numberAt(raw['levelDbfs'], `${field}.levelDbfs`, -140, 0),
      };
    case 'cough':
      return {
        ...base,
        kind,
        burstStartMs: integerAt(raw['burstStartMs'], `${field}.burstStartMs`, 0, base.durationMs),
        burstMs: integerAt(raw['burstMs'], `${field}.burstMs`, 1, base.durationMs),
        peakDbfs: numberAt(raw['peakDbfs'], `${field}.peakDbfs`, -140, 0),
      };
    case 'long-call':
      return {
        ...base,
        kind,
        language: languageAt(raw['language'], `${field}.language`),
        segments: arrayAt(raw['segments'], `${field}.segments`).map((segment, index) =>
          parseSegment(segment, `${field}.segments[${index}]`, base.durationMs),
        ),
      };
  }
}

/** Checks one speech segment of a long call. */
function parseSegment(value: unknown, field: string, durationMs: number): SpeechSegment {
  const raw = objectAt(value, field);
  const startMs = integerAt(raw['startMs'], `${field}.startMs`, 0, durationMs);

  return {
    utteranceId: stringAt(raw['utteranceId'], `${field}.utteranceId`),
    startMs,
    endMs: integerAt(raw['endMs'], `${field}.endMs`, startMs + 1, durationMs),
  };
}

/** Long-call segments must name utterances of the manifest. */
function checkSegments(entries: FixtureEntry[], byId: ReadonlyMap<string, FixtureEntry>): void {
  entries.forEach((entry, index) => {
    if (entry.kind !== 'long-call') return;

    entry.segments.forEach((segment, at) => {
      if (byId.get(segment.utteranceId)?.kind !== 'utterance') {
        invalid(`entries[${index}].segments[${at}].utteranceId`, 'must name an utterance fixture');
      }
    });
  });
}
