// `voice-admin audio convert` run as a subprocess on WAVs made here: format, length, and that a
// tone keeps its frequency and level through mixdown, resampling and μ-law.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  filesIn,
  measureFrequency,
  middleRms,
  readBack,
  runCli,
  tempDir,
  tone,
  writeWav,
  type BitDepth,
} from './cli-harness.js';

/** WAVE format tags of the outputs. */
const PCM = 1;
const MULAW = 7;

/** An input file and the tone it holds. */
interface Input {
  name: string;
  sampleRate: number;
  bitDepth: BitDepth;
  /** Tone frequency in Hz (non-harmonic, so no lucky alignment with either rate). */
  toneHz: number;
  /** RMS the mono mix must have, full scale = 1. */
  mixRms: number;
  stereo: boolean;
}

const SECONDS = 1;
const AMPLITUDE = 0.5;

const INPUTS: Input[] = [
  {
    name: 'mono-pcm16-44k.wav',
    sampleRate: 44100,
    bitDepth: '16',
    toneHz: 1013,
    mixRms: AMPLITUDE / Math.SQRT2,
    stereo: false,
  },
  // The right channel is silent, so the average of both channels is the tone at half amplitude.
  {
    name: 'stereo-pcm16-44k.wav',
    sampleRate: 44100,
    bitDepth: '16',
    toneHz: 1733,
    mixRms: AMPLITUDE / 2 / Math.SQRT2,
    stereo: true,
  },
  {
    name: 'mono-float-48k.wav',
    sampleRate: 48000,
    bitDepth: '32f',
    toneHz: 2917,
    mixRms: AMPLITUDE / Math.SQRT2,
    stereo: false,
  },
  {
    name: 'mono-pcm24-16k.wav',
    sampleRate: 16000,
    bitDepth: '24',
    toneHz: 611,
    mixRms: AMPLITUDE / Math.SQRT2,
    stereo: false,
  },
];

const OUTPUTS = [
  { rate: 8000, encoding: 'mulaw', audioFormat: MULAW, bits: 8 },
  { rate: 16000, encoding: 'linear16', audioFormat: PCM, bits: 16 },
] as const;

function dbRatio(measured: number, expected: number): number {
  return 20 * Math.log10(measured / expected);
}

describe('voice-admin audio convert', () => {
  let dir = '';
  let cleanup = async (): Promise<void> => {};

  before(async () => {
    ({ dir, cleanup } = await tempDir());

    for (const input of INPUTS) {
      const left = tone(input.toneHz, input.sampleRate, SECONDS, AMPLITUDE);
      const channels = input.stereo ? [left, new Float64Array(left.length)] : [left];
      await writeWav(join(dir, input.name), input.sampleRate, input.bitDepth, channels);
    }
  });

  after(() => cleanup());

  for (const input of INPUTS) {
    for (const output of OUTPUTS) {
      it(`${input.name} → ${output.rate} Hz ${output.encoding}`, async () => {
        const out = `${input.name}-${output.rate}-${output.encoding}.wav`;
        const run = await runCli(
          [
            'audio',
            'convert',
            input.name,
            out,
            '--rate',
            `${output.rate}`,
            '--encoding',
            output.encoding,
          ],
          dir,
        );

        assert.equal(run.code, 0, run.stderr);
        const warnings = run.stderr.split('\n').filter((line) => line !== '');
        if (input.stereo) {
          assert.equal(warnings.length, 1, 'the mixdown is said once');
          assert.match(warnings[0] ?? '', /^voice-admin: stereo-pcm16-44k\.wav: stereo mixed down/);
        } else {
          assert.deepEqual(warnings, []);
        }

        const wav = await readBack(join(dir, out));
        assert.equal(wav.audioFormat, output.audioFormat);
        assert.equal(wav.bitsPerSample, output.bits);
        assert.equal(wav.numChannels, 1);
        assert.equal(wav.sampleRate, output.rate);
        assert.equal(
          wav.samples.length,
          output.rate * SECONDS,
          'lasts exactly as long as the input',
        );

        const frequency = measureFrequency(wav.samples, output.rate);
        assert.ok(Math.abs(frequency - input.toneHz) < 0.5, `tone at ${frequency} Hz`);

        const levelDb = dbRatio(middleRms(wav.samples), input.mixRms);
        assert.ok(Math.abs(levelDb) < 0.2, `level off by ${levelDb.toFixed(3)} dB`);
      });
    }
  }

  it('keeps the input rate without --rate and writes linear16 by default', async () => {
    const run = await runCli(['audio', 'convert', 'mono-float-48k.wav', 'same-rate.wav'], dir);

    assert.equal(run.code, 0, run.stderr);
    const wav = await readBack(join(dir, 'same-rate.wav'));
    assert.equal(wav.sampleRate, 48000);
    assert.equal(wav.audioFormat, PCM);
    assert.equal(wav.samples.length, 48000);
  });

  // 11113 Hz is above the 8 kHz Nyquist frequency of the output; folded back it would land at
  // 16000 - 11113 = 4887 Hz, inside the passband.
  it('removes a tone above the new Nyquist frequency instead of folding it back', async () => {
    await writeWav(join(dir, 'high.wav'), 44100, '16', [tone(11113, 44100, SECONDS, AMPLITUDE)]);

    const run = await runCli(
      ['audio', 'convert', 'high.wav', 'high-16k.wav', '--rate', '16000'],
      dir,
    );

    assert.equal(run.code, 0, run.stderr);
    const wav = await readBack(join(dir, 'high-16k.wav'));
    const aliasDb = dbRatio(middleRms(wav.samples), AMPLITUDE / Math.SQRT2);
    assert.ok(aliasDb < -90, `the 4887 Hz alias is only ${aliasDb.toFixed(1)} dB down`);
  });

  it('clamps float samples above full scale and says how many', async () => {
    await writeWav(join(dir, 'hot.wav'), 8000, '32f', [Float64Array.from([0.5, 1.5, -2, 0])]);

    const run = await runCli(['audio', 'convert', 'hot.wav', 'hot-out.wav'], dir);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^voice-admin: hot\.wav: 2 samples above full scale clamped/);
    const wav = await readBack(join(dir, 'hot-out.wav'));
    assert.deepEqual(Array.from(wav.samples), [0.5, 32767 / 32768, -1, 0]);
  });

  it('leaves no temporary file next to the output', async () => {
    const names = await filesIn(dir);

    assert.deepEqual(
      names.filter((name) => name.endsWith('.tmp')),
      [],
    );
  });
});
