// The committed fixtures match their manifest: every file exists, is 8 kHz mono μ-law, lasts
// what the manifest says, and holds what its kind promises.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeMuLaw } from '@voice-agent/media-core/audio';
import {
  loadFixtureManifest,
  parseFixtureManifest,
  readFixtureMuLaw,
  type FixtureEntry,
  type FixtureKind,
  type FixtureManifest,
} from '../../src/script/conversation-script.js';

/** μ-law is 8000 one-byte samples a second: 8 bytes a millisecond. */
const BYTES_PER_MS = 8;

/** The intents the loan conversation needs in English and Hindi. */
const FULL_SET = [
  'consent',
  'confirm-name',
  'loan-type',
  'amount',
  'income',
  'employment',
  'city',
  'existing-emi',
  'human',
  'do-not-call',
  'callback',
];

/** Two utterances whose 20 ms energy envelopes correlate above this are too alike. */
const MAX_ENVELOPE_CORRELATION = 0.9;

async function samplesOf(manifest: FixtureManifest, id: string): Promise<Float64Array> {
  const pcm = decodeMuLaw(await readFixtureMuLaw(manifest, id));

  return Float64Array.from(pcm, (sample) => sample / 32768);
}

function dbfs(level: number): number {
  return 20 * Math.log10(level);
}

function rms(samples: Float64Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;

  return Math.sqrt(sum / samples.length);
}

function peak(samples: Float64Array): number {
  return samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
}

/** Log energy of each 20 ms frame, floored at -80 dBFS. */
function envelope(samples: Float64Array): number[] {
  const frame = 160;
  const out: number[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    out.push(Math.max(-80, dbfs(rms(samples.subarray(start, start + frame)) + 1e-9)));
  }

  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const mean = (xs: number[]): number => xs.slice(0, n).reduce((s, x) => s + x, 0) / n;
  const meanA = mean(a);
  const meanB = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - meanA;
    const y = (b[i] ?? 0) - meanB;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }

  return ab / Math.sqrt(aa * bb);
}

async function wavFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });

  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.wav'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function ofKind<K extends FixtureKind>(
  manifest: FixtureManifest,
  kind: K,
): Extract<FixtureEntry, { kind: K }>[] {
  return manifest.entries.filter(
    (entry): entry is Extract<FixtureEntry, { kind: K }> => entry.kind === kind,
  );
}

describe('fixture manifest', () => {
  let manifest: FixtureManifest;

  before(async () => {
    manifest = await loadFixtureManifest();
  });

  it('lists every WAV of the folder, and only those', async () => {
    const listed = manifest.entries.map((entry) => entry.file).sort();

    assert.deepEqual(await wavFilesUnder(manifest.dir), listed);
  });

  it('describes 8 kHz mono μ-law files of the length it states (within 20 ms)', async () => {
    for (const entry of manifest.entries) {
      const codes = await readFixtureMuLaw(manifest, entry.id);

      const lengthMs = codes.length / BYTES_PER_MS;
      assert.ok(Math.abs(lengthMs - entry.durationMs) <= 20, `${entry.id}: ${lengthMs} ms`);
    }
  });

  it('keeps the whole folder under 10 MB', async () => {
    const files = await readdir(manifest.dir, { recursive: true, withFileTypes: true });
    let bytes = 0;
    for (const file of files.filter((entry) => entry.isFile())) {
      bytes += (await stat(join(file.parentPath, file.name))).size;
    }

    assert.ok(bytes < 10 * 1024 * 1024, `${bytes} bytes`);
  });

  it('has the loan conversation in en-IN and hi-IN and a shorter set in ta-IN', () => {
    const intents = (language: string): string[] =>
      ofKind(manifest, 'utterance')
        .filter((entry) => entry.language === language)
        .map((entry) => entry.intent);

    for (const language of ['en-IN', 'hi-IN']) {
      for (const intent of FULL_SET) assert.ok(intents(language).includes(intent), intent);
    }
    assert.ok(intents('ta-IN').length >= 5);
    assert.ok(intents('ta-IN').length < intents('en-IN').length);
  });

  it('has utterances spoken at a telephone level, each distinct from the others', async () => {
    const utterances = ofKind(manifest, 'utterance');
    const envelopes = new Map<string, number[]>();

    for (const entry of utterances) {
      const samples = await samplesOf(manifest, entry.id);
      assert.ok(Math.abs(dbfs(peak(samples)) + 3) < 0.5, `${entry.id} peaks at -3 dBFS`);
      assert.ok(dbfs(rms(samples)) > -35, `${entry.id} holds speech`);
      envelopes.set(entry.id, envelope(samples));
    }

    for (const [i, a] of utterances.entries()) {
      for (const b of utterances.slice(i + 1)) {
        const r = correlation(envelopes.get(a.id) ?? [], envelopes.get(b.id) ?? []);
        assert.ok(r < MAX_ENVELOPE_CORRELATION, `${a.id} and ${b.id} correlate at ${r}`);
      }
    }
  });

  it('has digital silence and line noise at the levels it states (within 1 dB)', async () => {
    const [silence] = ofKind(manifest, 'silence');
    assert.ok(silence);
    assert.equal(peak(await samplesOf(manifest, silence.id)), 0);

    const noises = ofKind(manifest, 'noise');
    assert.deepEqual(
      noises.map((noise) => noise.levelDbfs),
      [-60, -45, -30],
    );
    for (const noise of noises) {
      const level = dbfs(rms(await samplesOf(manifest, noise.id)));
      assert.ok(Math.abs(level - noise.levelDbfs) < 1, `${noise.id} at ${level} dBFS`);
    }
  });

  it('has a cough: a short burst at its stated peak, silence around it', async () => {
    const [cough] = ofKind(manifest, 'cough');
    assert.ok(cough);
    const samples = await samplesOf(manifest, cough.id);

    const start = cough.burstStartMs * BYTES_PER_MS;
    const end = (cough.burstStartMs + cough.burstMs) * BYTES_PER_MS;
    const burst = samples.subarray(start, end);
    assert.ok(Math.abs(dbfs(peak(burst)) - cough.peakDbfs) < 1);
    assert.equal(peak(samples.subarray(0, start)), 0);
    assert.equal(peak(samples.subarray(end)), 0);

    // Fast attack: the first 20 ms already reach within 6 dB of the peak.
    const attack = burst.subarray(0, 20 * BYTES_PER_MS);
    assert.ok(dbfs(peak(attack)) > cough.peakDbfs - 6);
    // Decay: the last 50 ms are at least 20 dB below the peak.
    const tail = burst.subarray(burst.length - 50 * BYTES_PER_MS);
    assert.ok(dbfs(peak(tail)) < cough.peakDbfs - 20);
  });

  it('has a long call over 5 minutes: utterances copied at start and end, quiet between', async () => {
    const [call] = ofKind(manifest, 'long-call');
    assert.ok(call);
    assert.ok(call.durationMs > 5 * 60_000);
    const codes = await readFixtureMuLaw(manifest, call.id);

    for (const segment of call.segments) {
      const speech = await readFixtureMuLaw(manifest, segment.utteranceId);
      const start = segment.startMs * BYTES_PER_MS;
      const copy = codes.subarray(start, start + speech.length);
      assert.ok(
        Buffer.from(copy).equals(speech),
        `${segment.utteranceId} at ${segment.startMs} ms`,
      );
    }

    const [first, last] = call.segments;
    assert.ok(first && last && first.startMs === 0 && last.endMs === call.durationMs);
    const gap = codes.subarray(first.endMs * BYTES_PER_MS, last.startMs * BYTES_PER_MS);
    const gapLevel = dbfs(rms(Float64Array.from(decodeMuLaw(gap), (s) => s / 32768)));
    assert.ok(gapLevel < -55, `the gap is at ${gapLevel} dBFS`);
  });
});

/** A WAV with one `fmt ` and one `data` chunk; an odd-sized data chunk gets its pad byte. */
function wavBytes(formatTag: number, bitsPerSample: number, data: number[]): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(formatTag, 8);
  fmt.writeUInt16LE(1, 10); // mono
  fmt.writeUInt32LE(8000, 12);
  fmt.writeUInt32LE((8000 * bitsPerSample) / 8, 16);
  fmt.writeUInt16LE(bitsPerSample / 8, 20);
  fmt.writeUInt16LE(bitsPerSample, 22);

  const header = Buffer.alloc(8);
  header.write('data', 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  const padded = data.length % 2 === 1 ? [...data, 0] : data;
  const body = Buffer.concat([fmt, header, Buffer.from(padded)]);

  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + body.length, 4);
  riff.write('WAVE', 8, 'latin1');

  return Buffer.concat([riff, body]);
}

describe('readFixtureMuLaw', () => {
  let dir = '';
  let manifest: FixtureManifest;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixtures-'));
    await writeFile(join(dir, 'odd.wav'), wavBytes(7, 8, [0x10, 0x20, 0x30]));
    await writeFile(join(dir, 'pcm.wav'), wavBytes(1, 16, [0, 0, 1, 0]));
    manifest = parseFixtureManifest(
      {
        version: 1,
        entries: [
          { id: 'odd', kind: 'silence', file: 'odd.wav', durationMs: 1 },
          { id: 'pcm', kind: 'silence', file: 'pcm.wav', durationMs: 1 },
        ],
      },
      dir,
    );
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('returns the codes the data chunk declares, without its pad byte', async () => {
    assert.deepEqual(Array.from(await readFixtureMuLaw(manifest, 'odd')), [0x10, 0x20, 0x30]);
  });

  it('fails with FIXTURE_FORMAT on a file that is not 8 kHz mono μ-law', async () => {
    await assert.rejects(readFixtureMuLaw(manifest, 'pcm'), { code: 'FIXTURE_FORMAT' });
  });

  it('fails with FIXTURE_NOT_FOUND on an unknown id', async () => {
    await assert.rejects(readFixtureMuLaw(manifest, 'nothing'), { code: 'FIXTURE_NOT_FOUND' });
  });
});
