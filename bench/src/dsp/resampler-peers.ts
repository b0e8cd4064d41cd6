// The resamplers compared, each behind one shape: a one-shot `convert` for the quality
// measurement, and a `prepare` that returns one timed pass over a test signal, in the mode a
// user would run it (streamed per 20 ms frame where the library can stream).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import libsamplerate from '@alexanderolsen/libsamplerate-js';
import waveResampler from 'wave-resampler';
import { StreamingResampler, resample, type ConvertFn } from '@voice-agent/media-core/audio';

/** Path of the sox binary compared when present. */
export const SOX_PATH = '/usr/bin/sox';

/** One resampler as the bench sees it. */
export interface ResamplerPeer {
  /** Name shown in the table. */
  name: string;
  /** How `prepare`'s pass runs it. */
  mode: string;
  /** Clock to time it on: 'wall' when the work happens in a child process. */
  clock: 'cpu' | 'wall';
  /** One-shot conversion to PCM16, as the voice path uses it (float outputs rounded). */
  convert: ConvertFn;
  /** Returns one pass over `signal` (a whole number of 20 ms frames), to be timed. */
  prepare: (signal: Int16Array) => () => void;
  /** Releases what the peer holds (WebAssembly instances, temporary files). */
  close: () => void;
}

/** Rounds float output to PCM16 with saturation: what the voice path does before μ-law. */
function toPcm16(samples: ArrayLike<number>, scale: number): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    pcm[i] = Math.round(Math.max(-32768, Math.min(32767, (samples[i] as number) * scale)));
  }

  return pcm;
}

/** Splits a signal into 20 ms frames (views, made once, before timing). */
function toFrames(signal: Int16Array, inputRate: number): Int16Array[] {
  const frameSamples = inputRate / 50;
  const frames: Int16Array[] = [];
  for (let start = 0; start + frameSamples <= signal.length; start += frameSamples) {
    frames.push(signal.subarray(start, start + frameSamples));
  }

  return frames;
}

/** This package's streaming resampler, per 20 ms frame through processInto. */
export function mediaCorePeer(inputRate: number, outputRate: number): ResamplerPeer {
  return {
    name: 'media-core StreamingResampler',
    mode: 'stream, 20 ms frames',
    clock: 'cpu',
    convert: (input) => resample(input, inputRate, outputRate),
    prepare: (signal) => {
      const resampler = new StreamingResampler(inputRate, outputRate);
      const frames = toFrames(signal, inputRate);
      const out = new Int16Array(resampler.outputLength(inputRate / 50) + 1);

      return () => {
        for (const frame of frames) resampler.processInto(frame, out);
      };
    },
    close: () => undefined,
  };
}

/** wave-resampler (what `wavefile` uses): one-shot only, so timed on the whole signal. */
export function waveResamplerPeer(
  inputRate: number,
  outputRate: number,
  label: string,
  details: Record<string, unknown>,
): ResamplerPeer {
  const resampleOnce = (input: Int16Array) =>
    waveResampler.resample(input, inputRate, outputRate, { ...details });
  const convert = (input: Int16Array) => toPcm16(resampleOnce(input), 1);

  return {
    name: `wave-resampler ${label}`,
    mode: 'one-shot, whole signal',
    clock: 'cpu',
    convert,
    prepare: (signal) => () => void toPcm16(resampleOnce(signal), 1),
    close: () => undefined,
  };
}

/** libsamplerate converters, by the names its API gives them. */
export const LIBSAMPLERATE_TYPES = {
  SRC_SINC_BEST_QUALITY: libsamplerate.ConverterType.SRC_SINC_BEST_QUALITY,
  SRC_SINC_MEDIUM_QUALITY: libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY,
  SRC_SINC_FASTEST: libsamplerate.ConverterType.SRC_SINC_FASTEST,
  SRC_LINEAR: libsamplerate.ConverterType.SRC_LINEAR,
} as const;

/** libsamplerate in WebAssembly: streamed per frame through its `full` API, PCM16 both ways. */
export async function libsampleratePeer(
  inputRate: number,
  outputRate: number,
  type: keyof typeof LIBSAMPLERATE_TYPES,
): Promise<ResamplerPeer> {
  const options = { converterType: LIBSAMPLERATE_TYPES[type] };
  const oneShot = await libsamplerate.create(1, inputRate, outputRate, options);
  const streaming = await libsamplerate.create(1, inputRate, outputRate, options);

  return {
    name: `libsamplerate-js ${type}`,
    mode: 'stream, 20 ms frames',
    clock: 'cpu',
    convert: (input) => {
      const output = oneShot.simple(Float32Array.from(input, (sample) => sample / 32768));

      return toPcm16(output, 32768);
    },
    prepare: (signal) => {
      const frames = toFrames(signal, inputRate);
      const floatIn = new Float32Array(inputRate / 50);
      const floatOut = new Float32Array(Math.ceil(outputRate / 50) + 8);
      const pcmOut = new Int16Array(floatOut.length);
      const written = { frames: 0 };

      return () => {
        for (const frame of frames) {
          for (let i = 0; i < frame.length; i++) floatIn[i] = (frame[i] as number) / 32768;
          streaming.full(floatIn, floatOut, written);
          for (let i = 0; i < written.frames; i++) {
            const sample = Math.round((floatOut[i] as number) * 32768);
            pcmOut[i] = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
          }
        }
      };
    },
    close: () => {
      oneShot.destroy();
      streaming.destroy();
    },
  };
}

/** sox's `rate` effect at a quality flag (-m, -h, -v); every call is a new sox process. */
export function soxPeer(inputRate: number, outputRate: number, quality: string): ResamplerPeer {
  const raw = (rate: number) => [
    '-t',
    'raw',
    '-r',
    String(rate),
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    '1',
  ];
  // -D: no dither, so its output is rounded like the others'; -V1: errors only.
  const args = (input: string, output: string) => [
    '-V1',
    '-D',
    ...raw(inputRate),
    input,
    ...raw(outputRate),
    output,
    'rate',
    quality,
  ];
  const directory = mkdtempSync(join(tmpdir(), 'bench-sox-'));

  return {
    name: `sox rate ${quality}`,
    mode: 'process on a raw file',
    clock: 'wall',
    convert: (input) => {
      const result = spawnSync(SOX_PATH, args('-', '-'), {
        input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
      });
      const bytes = result.stdout;

      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
    },
    prepare: (signal) => {
      const input = join(directory, `in-${inputRate}.raw`);
      writeFileSync(input, signal);
      const output = join(directory, `out-${outputRate}.raw`);

      return () => void spawnSync(SOX_PATH, args(input, output));
    },
    close: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** Whether sox can be compared on this machine. */
export function soxAvailable(): boolean {
  return existsSync(SOX_PATH);
}
