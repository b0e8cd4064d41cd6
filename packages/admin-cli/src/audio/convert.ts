// Converts decoded WAV audio to one mono channel at a new rate and encoding, with the project's
// resampler and G.711 codec (the same code the media core runs on every call).
import { StreamingResampler, encodeMuLaw } from '@voice-agent/media-core/audio';
import wavefile from 'wavefile';
import { CliError } from '../cli-error.js';
import type { WavAudio } from './wav-read.js';

/** The encodings `audio convert` writes: the names Google Speech uses for them. */
export const OUTPUT_ENCODINGS = ['linear16', 'mulaw'] as const;

/** An encoding `audio convert` writes. */
export type OutputEncoding = (typeof OUTPUT_ENCODINGS)[number];

/** Output rates accepted by `--rate`, in Hz: telephony up to the highest TTS rate. */
export const OUTPUT_RATE_RANGE = { min: 8000, max: 48000 } as const;

/** Input rates accepted, in Hz. */
export const INPUT_RATE_RANGE = { min: 8000, max: 192000 } as const;

/** What to convert to. */
export interface ConvertOptions {
  /** Output sample rate in Hz. */
  sampleRate: number;
  /** Output sample encoding. */
  encoding: OutputEncoding;
}

/** A converted file, ready to write. */
export interface ConvertResult {
  /** The complete WAV file. */
  wav: Uint8Array;
  /** Output samples (mono). */
  frames: number;
  /** True when the input had two channels and was averaged into one. */
  mixedDown: boolean;
  /** Samples beyond 16-bit full scale (float input above 1.0), clamped on the way. */
  clampedSamples: number;
}

/** Converts `audio`; fails with a `CliError` on a channel count or rate it cannot convert. */
export function convertAudio(audio: WavAudio, options: ConvertOptions): ConvertResult {
  checkInput(audio);

  const { pcm, clampedSamples } = toMonoPcm16(audio.channels);
  const resampled = resampleOrFail(audio, pcm, options.sampleRate);

  return {
    wav: encodeWav(resampled, options),
    frames: resampled.length,
    mixedDown: audio.channels.length === 2,
    clampedSamples,
  };
}

function checkInput(audio: WavAudio): void {
  const channelCount = audio.channels.length;
  if (channelCount > 2) {
    throw new CliError(
      'UNSUPPORTED_CHANNELS',
      `${audio.path}: ${channelCount} channels, only mono and stereo are converted`,
    );
  }

  const { min, max } = INPUT_RATE_RANGE;
  if (audio.sampleRate < min || audio.sampleRate > max) {
    throw new CliError(
      'RATE_OUT_OF_RANGE',
      `${audio.path}: sample rate ${audio.sampleRate} Hz is out of range (${min} to ${max} Hz)`,
    );
  }
}

/**
 * Averages the channels and rounds to 16 bits, clamping (and counting) what exceeds it.
 * Limit: 24-bit, 32-bit and float input is rounded to 16 bits without dither, which leaves
 * quantisation distortion near -96 dBFS on very quiet material.
 */
function toMonoPcm16(channels: Float32Array[]): { pcm: Int16Array; clampedSamples: number } {
  const frames = channels[0]?.length ?? 0;
  const pcm = new Int16Array(frames);
  const gain = 32768 / channels.length;
  let clampedSamples = 0;

  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i] ?? 0;

    const sample = Math.round(sum * gain);
    if (sample > 32767 || sample < -32768) clampedSamples++;
    pcm[i] = Math.max(-32768, Math.min(32767, sample));
  }

  return { pcm, clampedSamples };
}

function resampleOrFail(audio: WavAudio, pcm: Int16Array, outputRate: number): Int16Array {
  if (audio.sampleRate === outputRate) return pcm;

  try {
    return resampleAligned(pcm, audio.sampleRate, outputRate);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new CliError(
      'RATE_OUT_OF_RANGE',
      `${audio.path}: cannot resample ${audio.sampleRate} Hz to ${outputRate} Hz (${error.message})`,
    );
  }
}

/**
 * Resamples a whole file and removes the filter's group delay, so the output lines up with the
 * input in time and lasts as long (round(frames × outputRate / inputRate) samples).
 */
function resampleAligned(pcm: Int16Array, inputRate: number, outputRate: number): Int16Array {
  const resampler = new StreamingResampler(inputRate, outputRate);
  const body = resampler.process(pcm);
  const tail = resampler.flush();

  const delayed = new Int16Array(body.length + tail.length);
  delayed.set(body, 0);
  delayed.set(tail, body.length);

  const aligned = new Int16Array(Math.round((pcm.length * outputRate) / inputRate));
  const start = resampler.delaySamples;
  aligned.set(delayed.subarray(start, start + aligned.length));

  return aligned;
}

/** A mono WAV of `pcm` in the requested encoding; μ-law through the project's G.711 encoder. */
function encodeWav(pcm: Int16Array, options: ConvertOptions): Uint8Array {
  const wav = new wavefile.WaveFile();

  if (options.encoding === 'mulaw') {
    wav.fromScratch(1, options.sampleRate, '8m', encodeMuLaw(pcm));
  } else {
    wav.fromScratch(1, options.sampleRate, '16', pcm);
  }

  return wav.toBuffer();
}
