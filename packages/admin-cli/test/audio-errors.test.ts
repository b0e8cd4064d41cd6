// Bad input to `voice-admin audio`: one line on stderr naming the problem, a non-zero exit
// code, no stack trace and no output file (not even a partial or temporary one).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filesIn, runCli, tempDir, tone, writeWav } from './cli-harness.js';

/** A bad-input case: the files it needs, the command, and what stderr must say. */
interface BadInput {
  name: string;
  args: string[];
  /** The one stderr line, after `voice-admin: `. */
  message: RegExp;
}

const CASES: BadInput[] = [
  {
    name: 'a missing input file',
    args: ['audio', 'convert', 'absent.wav', 'out.wav'],
    message: /^absent\.wav: no such file$/,
  },
  {
    name: 'a text file',
    args: ['audio', 'convert', 'notes.wav', 'out.wav'],
    message: /^notes\.wav: not a WAV file \(no RIFF header\)$/,
  },
  {
    name: 'a RIFF file that is not WAVE',
    args: ['audio', 'convert', 'video.wav', 'out.wav'],
    message: /^video\.wav: not a WAV file \(RIFF form is "AVI ", not "WAVE"\)$/,
  },
  {
    name: 'a WAV cut off inside its header',
    args: ['audio', 'inspect', 'cut.wav'],
    message: /^cut\.wav: not a WAV file \(could not find the "fmt " chunk\)$/,
  },
  {
    name: 'an unsupported encoding (A-law)',
    args: ['audio', 'convert', 'alaw.wav', 'out.wav', '--rate', '8000'],
    message: /^alaw\.wav: unsupported encoding A-law, 8-bit/,
  },
  {
    name: 'an output rate below the range',
    args: ['audio', 'convert', 'good.wav', 'out.wav', '--rate', '4000'],
    message: /--rate must be an integer from 8000 to 48000/,
  },
  {
    name: 'an output rate that is not a number',
    args: ['audio', 'convert', 'good.wav', 'out.wav', '--rate', 'fast'],
    message: /argument 'fast' is invalid\. --rate must be an integer/,
  },
  {
    name: 'an input rate out of range',
    args: ['audio', 'convert', 'slow.wav', 'out.wav', '--rate', '8000'],
    message: /^slow\.wav: sample rate 4000 Hz is out of range \(8000 to 192000 Hz\)$/,
  },
  {
    name: 'more than two channels',
    args: ['audio', 'convert', 'surround.wav', 'out.wav'],
    message: /^surround\.wav: 3 channels, only mono and stereo are converted$/,
  },
  {
    name: 'an unknown encoding option',
    args: ['audio', 'convert', 'good.wav', 'out.wav', '--encoding', 'alaw'],
    message: /argument 'alaw' is invalid\. Allowed choices are linear16, mulaw/,
  },
  {
    name: 'an output folder that does not exist',
    args: ['audio', 'convert', 'good.wav', 'missing/out.wav'],
    message: /^missing\/out\.wav: cannot write \(ENOENT\)$/,
  },
  {
    name: 'a missing argument',
    args: ['audio', 'convert', 'good.wav'],
    message: /^missing required argument 'out'$/,
  },
];

describe('voice-admin audio on bad input', () => {
  let dir = '';
  let cleanup = async (): Promise<void> => {};
  let before_: string[] = [];

  before(async () => {
    ({ dir, cleanup } = await tempDir());

    await writeFile(join(dir, 'notes.wav'), 'these are not samples\n');
    await writeFile(join(dir, 'video.wav'), Buffer.from('RIFF\x04\x00\x00\x00AVI LIST', 'latin1'));
    await writeFile(join(dir, 'cut.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'));
    await writeWav(join(dir, 'alaw.wav'), 8000, '8a', [tone(440, 8000, 0.1, 0.5)]);
    await writeWav(join(dir, 'good.wav'), 16000, '16', [tone(440, 16000, 0.1, 0.5)]);
    await writeWav(join(dir, 'slow.wav'), 4000, '16', [tone(440, 4000, 0.1, 0.5)]);
    const third = tone(440, 8000, 0.1, 0.5);
    await writeWav(join(dir, 'surround.wav'), 8000, '16', [third, third, third]);
    await mkdir(join(dir, 'empty-folder'));

    before_ = await filesIn(dir);
  });

  after(() => cleanup());

  for (const bad of CASES) {
    it(`reports ${bad.name} in one line`, async () => {
      const run = await runCli(bad.args, dir);

      assert.notEqual(run.code, 0);
      assert.equal(run.stdout, '');
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      assert.equal(lines.length, 1, `one line, got: ${run.stderr}`);
      const line = lines[0] ?? '';
      assert.ok(line.startsWith('voice-admin: '), line);
      assert.match(line.slice('voice-admin: '.length), bad.message);
      assert.deepEqual(await filesIn(dir), before_, 'no output or temporary file is left');
    });
  }

  it('does not accept a folder as input', async () => {
    const run = await runCli(['audio', 'inspect', 'empty-folder'], dir);

    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'voice-admin: empty-folder: not a file\n');
  });
});
