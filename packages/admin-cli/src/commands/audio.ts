// `voice-admin audio`: convert WAV files to the formats of the call path, and inspect them.
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  OUTPUT_ENCODINGS,
  OUTPUT_RATE_RANGE,
  convertAudio,
  type OutputEncoding,
} from '../audio/convert.js';
import { DEFAULT_SILENCE_DBFS, formatReport, inspectAudio } from '../audio/inspect.js';
import { readWav } from '../audio/wav-read.js';
import { writeFileAtomic } from '../audio/write-atomic.js';
import { printJson } from '../output.js';
import { warn } from '../program.js';

interface ConvertFlags {
  rate?: number;
  encoding: OutputEncoding;
}

interface InspectFlags {
  json?: boolean;
  silenceThreshold: number;
}

/** Adds the `audio` group to `program`. */
export function register(program: Command): void {
  const audio = program.command('audio').description('Convert and inspect WAV audio');

  audio
    .command('convert')
    .description('Convert a mono or stereo WAV to mono at a new rate and encoding')
    .argument('<in>', 'input WAV: PCM 8/16/24/32-bit, float 32/64-bit or μ-law')
    .argument('<out>', 'output WAV (written whole or not at all)')
    .addOption(
      new Option('--rate <hz>', 'output sample rate in Hz (default: the input rate)').argParser(
        parseRate,
      ),
    )
    .addOption(
      new Option('--encoding <name>', 'output sample encoding')
        .choices(OUTPUT_ENCODINGS)
        .default('linear16'),
    )
    .action(convertCommand);

  audio
    .command('inspect')
    .description('Show format, length, levels, clipping and silence of a WAV')
    .argument('<file>', 'WAV file')
    .option('--json', 'print the report as JSON')
    .addOption(
      new Option('--silence-threshold <dbfs>', 'a 20 ms frame below this RMS is silence')
        .argParser(parseDbfs)
        .default(DEFAULT_SILENCE_DBFS),
    )
    .action(inspectCommand);
}

async function convertCommand(input: string, output: string, flags: ConvertFlags): Promise<void> {
  const audio = await readWav(input);
  const sampleRate = flags.rate ?? audio.sampleRate;

  const result = convertAudio(audio, { sampleRate, encoding: flags.encoding });
  if (result.mixedDown) warn(`${input}: stereo mixed down to mono (average of both channels)`);
  if (result.clampedSamples > 0) {
    warn(`${input}: ${result.clampedSamples} samples above full scale clamped to 16 bits`);
  }

  await writeFileAtomic(output, result.wav);

  const seconds = (result.frames / sampleRate).toFixed(3);
  process.stdout.write(`${output}: ${flags.encoding}, ${sampleRate} Hz, mono, ${seconds} s\n`);
}

async function inspectCommand(file: string, flags: InspectFlags): Promise<void> {
  const report = inspectAudio(await readWav(file), flags.silenceThreshold);

  if (flags.json) printJson(report);
  else process.stdout.write(formatReport(report));
}

/** `--rate`: an integer number of Hz within OUTPUT_RATE_RANGE. */
function parseRate(value: string): number {
  const rate = Number(value);
  const { min, max } = OUTPUT_RATE_RANGE;

  if (!Number.isInteger(rate) || rate < min || rate > max) {
    throw new InvalidArgumentError(`--rate must be an integer from ${min} to ${max} (Hz).`);
  }

  return rate;
}

/** `--silence-threshold`: a level in dBFS from -120 to 0. */
function parseDbfs(value: string): number {
  const level = Number(value);

  if (!Number.isFinite(level) || level < -120 || level > 0) {
    throw new InvalidArgumentError('--silence-threshold must be a number from -120 to 0 (dBFS).');
  }

  return level;
}
