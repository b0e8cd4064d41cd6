// `voice-admin audio inspect` run as a subprocess on the committed fixtures and on made files.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, runCli, tempDir, writeWav } from './cli-harness.js';

interface ManifestEntry {
  id: string;
  file: string;
  durationMs: number;
  levelDbfs?: number;
}

async function fixture(id: string): Promise<ManifestEntry> {
  const manifest = JSON.parse(await readFile(join(FIXTURES, 'manifest.json'), 'utf8')) as {
    entries: ManifestEntry[];
  };
  const entry = manifest.entries.find((candidate) => candidate.id === id);
  assert.ok(entry, `fixture ${id} is in the manifest`);

  return entry;
}

/** A μ-law WAV whose data chunk has an odd size, followed by its RIFF pad byte (0x00). */
function oddMuLawWav(codes: number[]): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(7, 0); // WAVE_FORMAT_MULAW
  fmt.writeUInt16LE(1, 2); // channels
  fmt.writeUInt32LE(8000, 4); // sample rate
  fmt.writeUInt32LE(8000, 8); // byte rate
  fmt.writeUInt16LE(1, 12); // block align
  fmt.writeUInt16LE(8, 14); // bits per sample

  const chunks = Buffer.concat([
    Buffer.from('fmt '),
    u32(16),
    fmt,
    Buffer.from('data'),
    u32(codes.length),
    Buffer.from([...codes, 0x00]),
  ]);

  return Buffer.concat([Buffer.from('RIFF'), u32(4 + chunks.length), Buffer.from('WAVE'), chunks]);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);

  return bytes;
}

async function inspectJson(file: string, cwd: string): Promise<Record<string, unknown>> {
  const run = await runCli(['audio', 'inspect', file, '--json'], cwd);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');

  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('voice-admin audio inspect', () => {
  let dir = '';
  let cleanup = async (): Promise<void> => {};

  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  it('reports format, length and levels of an utterance fixture as JSON', async () => {
    const entry = await fixture('en-IN.consent');

    const report = await inspectJson(entry.file, FIXTURES);

    assert.equal(report['file'], entry.file);
    assert.equal(report['encoding'], 'mulaw');
    assert.equal(report['bitsPerSample'], 8);
    assert.equal(report['channels'], 1);
    assert.equal(report['sampleRate'], 8000);
    assert.ok(Math.abs((report['durationMs'] as number) - entry.durationMs) <= 1);
    // The fixtures are normalised to a -3 dBFS peak by make-fixtures.sh.
    assert.ok(Math.abs((report['peakDbfs'] as number) + 3) < 0.5, `peak ${report['peakDbfs']}`);
    assert.ok((report['rmsDbfs'] as number) < -10 && (report['rmsDbfs'] as number) > -35);
    assert.equal(report['clippedSamples'], 0);
    const share = report['silenceShare'] as number;
    assert.ok(share > 0.05 && share < 0.8, `speech with pauses, silence share ${share}`);
    assert.equal(report['silenceThresholdDbfs'], -50);
    assert.equal(report['silenceFrameMs'], 20);
  });

  it('measures line noise at the level the manifest gives', async () => {
    for (const id of ['line-noise-45dbfs', 'line-noise-30dbfs']) {
      const entry = await fixture(id);

      const report = await inspectJson(entry.file, FIXTURES);

      assert.ok(Math.abs((report['rmsDbfs'] as number) - (entry.levelDbfs ?? 0)) < 1, id);
      assert.equal(report['silenceShare'], 0, `${id} is above the -50 dBFS threshold`);
    }
  });

  it('calls digital silence silent, with levels of minus infinity (null)', async () => {
    const report = await inspectJson('noise/silence-3s.wav', FIXTURES);

    assert.equal(report['peakDbfs'], null);
    assert.equal(report['rmsDbfs'], null);
    assert.equal(report['silenceShare'], 1);
    assert.equal(report['durationMs'], 3000);
  });

  it('counts clipped samples and moves the silence threshold on request', async () => {
    const samples = new Float64Array(1600); // 200 ms at 8 kHz: ten 20 ms frames
    samples.fill(0.001, 0, 800); // -60 dBFS for the first five frames
    samples.set([1, -1, 1], 1000); // three samples at full scale
    await writeWav(join(dir, 'clip.wav'), 8000, '16', [samples]);

    const atDefault = await inspectJson('clip.wav', dir);
    const atMinus70 = await runCli(
      ['audio', 'inspect', 'clip.wav', '--json', '--silence-threshold', '-70'],
      dir,
    );

    assert.equal(atDefault['clippedSamples'], 3);
    assert.equal(atDefault['silenceShare'], 0.9, 'nine of ten frames are quiet; one holds clicks');
    const moved = JSON.parse(atMinus70.stdout) as Record<string, unknown>;
    assert.equal(moved['silenceShare'], 0.4, 'the -60 dBFS frames are no longer silence');
  });

  it('does not take the pad byte of an odd-sized data chunk for a sample', async () => {
    await writeFile(join(dir, 'odd.wav'), oddMuLawWav([0xff, 0xff, 0xff]));

    const report = await inspectJson('odd.wav', dir);

    assert.equal(report['frames'], 3);
    assert.equal(report['peakDbfs'], null, 'the pad byte 0x00 would decode to -32124');
  });

  it('prints an aligned table for people', async () => {
    const run = await runCli(['audio', 'inspect', 'noise/cough.wav'], FIXTURES);

    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    const labels = lines.map((line) => line.split(/ {2,}/)[0]);
    assert.deepEqual(labels, [
      'file',
      'format',
      'sample rate',
      'duration',
      'peak',
      'rms',
      'clipped',
      'silence',
    ]);
    const valueColumns = new Set(lines.map((line) => line.search(/(?<= {2})\S/)));
    assert.equal(valueColumns.size, 1, 'every value starts in the same column');
    assert.match(run.stdout, /format +mulaw, 8-bit, mono\n/);
    assert.match(run.stdout, /duration +1\.000 s \(8000 samples\)\n/);
  });
});
