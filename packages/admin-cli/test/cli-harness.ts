// Runs the real `voice-admin` as a subprocess and makes and measures the WAV files it works on.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMuLaw } from '@voice-agent/media-core/audio';
import wavefile from 'wavefile';

/** The compiled CLI entry, as `bin/voice-admin.js` imports it. */
export const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));

/** The repository's audio fixtures. */
export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/audio/', import.meta.url));

/** What a CLI run left behind. */
export interface CliRun {
  /** Process exit code. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `voice-admin ARGS` in `cwd` and waits for it to exit (at most 30 s). */
export function runCli(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'voice-admin-test-'));

  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Names in `dir`, sorted (to prove no temporary or partial file was left). */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** A sine of `frequencyHz` at `amplitude` (full scale = 1), `seconds` long. */
export function tone(
  frequencyHz: number,
  sampleRate: number,
  seconds: number,
  amplitude: number,
): Float64Array {
  const samples = new Float64Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate);
  }

  return samples;
}

/** The wavefile bit depth codes the tests write. */
export type BitDepth = '16' | '24' | '32f' | '8a';

/** Writes `channels` (full scale = 1) as a WAV of `bitDepth`. */
export async function writeWav(
  path: string,
  sampleRate: number,
  bitDepth: BitDepth,
  channels: Float64Array[],
): Promise<void> {
  const scaled = channels.map((channel) =>
    bitDepth === '32f' ? channel : channel.map((sample) => toInteger(sample, bitDepth)),
  );

  const wav = new wavefile.WaveFile();
  if (bitDepth === '8a') {
    wav.fromScratch(channels.length, sampleRate, '16', scaled[0] ?? []);
    wav.toALaw();
  } else {
    wav.fromScratch(channels.length, sampleRate, bitDepth, scaled);
  }
  await writeFile(path, wav.toBuffer());
}

/** `sample` (full scale = 1) as a two's complement integer of `bitDepth` bits, clamped. */
function toInteger(sample: number, bitDepth: BitDepth): number {
  const scale = bitDepth === '24' ? 2 ** 23 : 2 ** 15;

  return Math.max(-scale, Math.min(scale - 1, Math.round(sample * scale)));
}

/** A WAV read back: its `fmt ` fields and its samples decoded to full scale = 1 (mono). */
export interface ReadBack {
  audioFormat: number;
  bitsPerSample: number;
  numChannels: number;
  sampleRate: number;
  samples: Float64Array;
}

/** Reads a mono PCM16 or μ-law WAV written by the CLI. */
export async function readBack(path: string): Promise<ReadBack> {
  const wav = new wavefile.WaveFile(await readFile(path)) as unknown as {
    fmt: { audioFormat: number; bitsPerSample: number; numChannels: number; sampleRate: number };
    data: { samples: Uint8Array };
    getSamples(): Float64Array;
  };
  const { audioFormat, bitsPerSample, numChannels, sampleRate } = wav.fmt;

  const samples =
    audioFormat === 7
      ? Float64Array.from(decodeMuLaw(new Uint8Array(wav.data.samples)), (s) => s / 32768)
      : wav.getSamples().map((s) => s / 32768);

  return { audioFormat, bitsPerSample, numChannels, sampleRate, samples };
}

/**
 * Frequency of the dominant tone, from the time between the first and the last upward zero
 * crossing of the middle of the signal (crossing times interpolated between samples).
 */
export function measureFrequency(samples: Float64Array, sampleRate: number): number {
  const from = Math.floor(samples.length * 0.1);
  const to = Math.floor(samples.length * 0.9);
  const crossings: number[] = [];

  for (let i = from; i < to; i++) {
    const a = samples[i] ?? 0;
    const b = samples[i + 1] ?? 0;
    if (a < 0 && b >= 0) crossings.push(i + a / (a - b));
  }

  const first = crossings[0] ?? 0;
  const last = crossings[crossings.length - 1] ?? 0;

  return ((crossings.length - 1) * sampleRate) / (last - first);
}

/** RMS of the middle 80% of `samples` (full scale = 1), away from the edges. */
export function middleRms(samples: Float64Array): number {
  const middle = samples.subarray(
    Math.floor(samples.length * 0.1),
    Math.floor(samples.length * 0.9),
  );
  let sum = 0;
  for (const sample of middle) sum += sample * sample;

  return Math.sqrt(sum / middle.length);
}
