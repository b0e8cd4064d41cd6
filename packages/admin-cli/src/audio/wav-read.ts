// Reads a WAV file into normalised samples per channel, with one clear error per bad input.
import { readFile, stat } from 'node:fs/promises';
import { decodeMuLaw } from '@voice-agent/media-core/audio';
import wavefile from 'wavefile';
import { CliError } from '../cli-error.js';

/** The sample encodings `voice-admin audio` reads. */
export type WavEncoding =
  'linear8' | 'linear16' | 'linear24' | 'linear32' | 'float32' | 'float64' | 'mulaw';

/** A decoded WAV file. */
export interface WavAudio {
  /** The file it was read from, as the user named it. */
  path: string;
  /** Sample encoding of the file. */
  encoding: WavEncoding;
  /** Bits per stored sample. */
  bitsPerSample: number;
  /** Samples per second per channel, in Hz. */
  sampleRate: number;
  /** Samples per channel. */
  frames: number;
  /** Each channel's samples scaled to full scale = 1 (float files may exceed it). */
  channels: Float32Array[];
  /** The highest and lowest value the encoding can hold, on the same scale: a sample at or
   * beyond them is clipped. */
  clipLevels: { positive: number; negative: number };
}

// Limit: the whole file is read and decoded in memory (a few times its size in bytes), so files
// are capped at 1 GiB; a streaming reader would lift the cap for multi-hour recordings.
/** Largest file read, in bytes. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** WAVE format tags (RFC 2361): those read here, and names for the usual others. */
const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = {
  2: 'MS ADPCM',
  6: 'A-law',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  85: 'MP3',
};

/** μ-law decodes to at most ±32124 (G.711), the level a clipped μ-law sample sits at. */
const MULAW_PEAK = 32124 / 32768;

/** The fields of wavefile's reader used here (its typings declare them as `object`). */
interface WaveView {
  container: string;
  fmt: {
    audioFormat: number;
    numChannels: number;
    sampleRate: number;
    bitsPerSample: number;
    blockAlign: number;
    subformat: number[];
  };
  data: { samples: Uint8Array; chunkSize: number };
  getSamples(interleaved: boolean, output: Float32ArrayConstructor): Float32Array | Float32Array[];
}

/** Reads and decodes `path`; fails with a `CliError` that names the file and the problem. */
export async function readWav(path: string): Promise<WavAudio> {
  const bytes = await readWavBytes(path);
  const wav = parseContainer(path, bytes);

  const { numChannels, sampleRate } = wav.fmt;
  if (numChannels < 1) throw notWav(path, 'no channels');
  if (sampleRate < 1) throw notWav(path, `sample rate ${sampleRate} Hz`);

  const encoding = encodingOf(path, wav);
  wholeFramesOnly(wav);

  const channels = decodeChannels(wav, encoding);

  return {
    path,
    encoding,
    bitsPerSample: wav.fmt.bitsPerSample,
    sampleRate,
    frames: channels[0]?.length ?? 0,
    channels,
    clipLevels: clipLevelsOf(encoding, wav.fmt.bitsPerSample),
  };
}

/** The file's bytes, after checking it exists, is a file, fits in memory and starts like a WAV. */
async function readWavBytes(path: string): Promise<Buffer> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CliError('INPUT_NOT_FOUND', `${path}: no such file`);
    throw new CliError('INPUT_UNREADABLE', `${path}: cannot read (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw new CliError('INPUT_UNREADABLE', `${path}: not a file`);
  if (info.size > MAX_FILE_BYTES) {
    throw new CliError('INPUT_UNREADABLE', `${path}: larger than the 1 GiB this tool reads`);
  }

  const bytes = await readFile(path);
  checkRiffHeader(path, bytes);

  return bytes;
}

/** A WAV starts with `RIFF` (or `RIFX`, `RF64`), a 4-byte size, then `WAVE`. */
function checkRiffHeader(path: string, bytes: Buffer): void {
  const riff = bytes.toString('latin1', 0, 4);
  if (!['RIFF', 'RIFX', 'RF64'].includes(riff)) throw notWav(path, 'no RIFF header');

  const form = bytes.toString('latin1', 8, 12);
  if (form !== 'WAVE') throw notWav(path, `RIFF form is "${form}", not "WAVE"`);
}

function parseContainer(path: string, bytes: Uint8Array): WaveView {
  try {
    return new wavefile.WaveFile(bytes) as unknown as WaveView;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw notWav(path, reason.replace(/\.$/, '').toLowerCase());
  }
}

function notWav(path: string, reason: string): CliError {
  return new CliError('NOT_WAV', `${path}: not a WAV file (${reason})`);
}

/** The encoding of the `fmt ` chunk, or `UNSUPPORTED_ENCODING` naming what the file holds. */
function encodingOf(path: string, wav: WaveView): WavEncoding {
  const { bitsPerSample } = wav.fmt;
  const tag = formatTagOf(wav);

  const encoding =
    tag === FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)
      ? (`linear${bitsPerSample}` as WavEncoding)
      : tag === FORMAT_FLOAT && [32, 64].includes(bitsPerSample)
        ? (`float${bitsPerSample}` as WavEncoding)
        : tag === FORMAT_MULAW && bitsPerSample === 8
          ? 'mulaw'
          : undefined;
  if (encoding !== undefined) return encoding;

  const name = FORMAT_NAMES[tag] ?? `format tag ${tag}`;
  throw new CliError(
    'UNSUPPORTED_ENCODING',
    `${path}: unsupported encoding ${name}, ${bitsPerSample}-bit ` +
      '(reads PCM 8/16/24/32-bit, float 32/64-bit and μ-law)',
  );
}

/** WAVE_FORMAT_EXTENSIBLE keeps the real format tag in the first two bytes of its GUID. */
function formatTagOf(wav: WaveView): number {
  const { audioFormat, subformat } = wav.fmt;
  if (audioFormat !== FORMAT_EXTENSIBLE) return audioFormat;

  return (subformat[0] ?? 0) & 0xffff;
}

/**
 * Keeps the samples the `data` chunk declares, in whole frames. wavefile 11 counts the RIFF pad
 * byte of an odd-sized chunk as data, and a truncated file can end inside a frame.
 */
function wholeFramesOnly(wav: WaveView): void {
  const frameBytes = (wav.fmt.numChannels * wav.fmt.bitsPerSample) / 8;
  const samples = wav.data.samples;
  const declared = Math.min(samples.length, wav.data.chunkSize);
  const whole = declared - (declared % frameBytes);

  if (whole !== samples.length) wav.data.samples = samples.subarray(0, whole);
}

function decodeChannels(wav: WaveView, encoding: WavEncoding): Float32Array[] {
  if (encoding === 'mulaw') return decodeMuLawChannels(wav.data.samples, wav.fmt.numChannels);

  const unpacked = wav.getSamples(false, Float32Array);
  const channels = Array.isArray(unpacked) ? unpacked : [unpacked];
  const scale = scaleOf(encoding, wav.fmt.bitsPerSample);

  for (const channel of channels) normalise(channel, encoding === 'linear8', scale);

  return channels;
}

/** μ-law goes through the project's G.711 decoder, one channel at a time. */
function decodeMuLawChannels(codes: Uint8Array, channelCount: number): Float32Array[] {
  const frames = Math.floor(codes.length / channelCount);
  const channels: Float32Array[] = [];

  for (let channel = 0; channel < channelCount; channel++) {
    const own = new Uint8Array(frames);
    for (let i = 0; i < frames; i++) own[i] = codes[i * channelCount + channel] ?? 0xff;

    const pcm = decodeMuLaw(own);
    channels.push(Float32Array.from(pcm, (sample) => sample / 32768));
  }

  return channels;
}

/** Full scale of an integer encoding (2^(bits-1)); 1 for float. */
function scaleOf(encoding: WavEncoding, bitsPerSample: number): number {
  return encoding.startsWith('float') ? 1 : 2 ** (bitsPerSample - 1);
}

/** Scales in place to full scale = 1; 8-bit WAV is unsigned, centred on 128. */
function normalise(samples: Float32Array, unsigned: boolean, scale: number): void {
  const offset = unsigned ? 128 : 0;

  for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i] ?? 0) - offset) / scale;
}

function clipLevelsOf(encoding: WavEncoding, bitsPerSample: number): WavAudio['clipLevels'] {
  if (encoding === 'mulaw') return { positive: MULAW_PEAK, negative: -MULAW_PEAK };
  if (encoding.startsWith('float')) return { positive: 1, negative: -1 };

  const scale = 2 ** (bitsPerSample - 1);

  return { positive: (scale - 1) / scale, negative: -1 };
}
