// Measures a decoded WAV: format, length, levels, clipping and how much of it is silence.
import { formatColumns } from '../output.js';
import type { WavAudio, WavEncoding } from './wav-read.js';

/** Frame length for the silence share, in milliseconds: one Twilio media frame. */
export const SILENCE_FRAME_MS = 20;

/** Default silence threshold in dBFS: below the -45 dBFS line-noise fixture, above -60. */
export const DEFAULT_SILENCE_DBFS = -50;

/** What `audio inspect` reports. Levels are null for digital silence (minus infinity). */
export interface AudioReport {
  /** The file, as the user named it. */
  file: string;
  /** Sample encoding. */
  encoding: WavEncoding;
  /** Bits per stored sample. */
  bitsPerSample: number;
  /** Number of channels. */
  channels: number;
  /** Samples per second per channel, in Hz. */
  sampleRate: number;
  /** Samples per channel. */
  frames: number;
  /** Length in milliseconds. */
  durationMs: number;
  /** Largest absolute sample over all channels, in dBFS. */
  peakDbfs: number | null;
  /** RMS over all channels, in dBFS (a full-scale square wave is 0, a full-scale sine -3.01). */
  rmsDbfs: number | null;
  /** Samples (over all channels) at or beyond the largest value the encoding holds. */
  clippedSamples: number;
  /** Share (0 to 1) of 20 ms frames of the channel mix whose RMS is below the threshold. */
  silenceShare: number;
  /** The silence threshold used, in dBFS. */
  silenceThresholdDbfs: number;
  /** The frame length of the silence share, in milliseconds. */
  silenceFrameMs: number;
}

/** Measures `audio`; a frame is silent when its RMS is below `silenceThresholdDbfs`. */
export function inspectAudio(audio: WavAudio, silenceThresholdDbfs: number): AudioReport {
  const levels = measureLevels(audio);

  return {
    file: audio.path,
    encoding: audio.encoding,
    bitsPerSample: audio.bitsPerSample,
    channels: audio.channels.length,
    sampleRate: audio.sampleRate,
    frames: audio.frames,
    durationMs: round((audio.frames * 1000) / audio.sampleRate, 3),
    peakDbfs: toDbfs(levels.peak),
    rmsDbfs: toDbfs(levels.rms),
    clippedSamples: levels.clipped,
    silenceShare: round(silenceShare(audio, silenceThresholdDbfs), 4),
    silenceThresholdDbfs,
    silenceFrameMs: SILENCE_FRAME_MS,
  };
}

/** Peak, RMS and clipped count over every sample of every channel. */
function measureLevels(audio: WavAudio): { peak: number; rms: number; clipped: number } {
  const { positive, negative } = audio.clipLevels;
  let peak = 0;
  let sumSquares = 0;
  let clipped = 0;
  let count = 0;

  for (const channel of audio.channels) {
    for (const sample of channel) {
      peak = Math.max(peak, Math.abs(sample));
      sumSquares += sample * sample;
      if (sample >= positive || sample <= negative) clipped++;
    }
    count += channel.length;
  }

  return { peak, rms: count === 0 ? 0 : Math.sqrt(sumSquares / count), clipped };
}

/** Share of 20 ms frames of the channel mix below the threshold; a partial last frame counts. */
function silenceShare(audio: WavAudio, thresholdDbfs: number): number {
  const frameLength = Math.max(1, Math.round((audio.sampleRate * SILENCE_FRAME_MS) / 1000));
  const threshold = 10 ** (thresholdDbfs / 20);
  let frames = 0;
  let silent = 0;

  for (let start = 0; start < audio.frames; start += frameLength) {
    const end = Math.min(audio.frames, start + frameLength);
    if (mixRms(audio.channels, start, end) < threshold) silent++;
    frames++;
  }

  return frames === 0 ? 1 : silent / frames;
}

/** RMS of the average of the channels over samples [start, end). */
function mixRms(channels: Float32Array[], start: number, end: number): number {
  let sumSquares = 0;

  for (let i = start; i < end; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i] ?? 0;

    const mixed = sum / channels.length;
    sumSquares += mixed * mixed;
  }

  return Math.sqrt(sumSquares / (end - start));
}

function toDbfs(level: number): number | null {
  return level > 0 ? round(20 * Math.log10(level), 2) : null;
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;

  return Math.round(value * scale) / scale;
}

/** The report as an aligned two-column table for people. */
export function formatReport(report: AudioReport): string {
  const channelWord = report.channels === 1 ? 'mono' : `${report.channels} channels`;
  const silencePercent = (report.silenceShare * 100).toFixed(1);

  const rows: [string, string][] = [
    ['file', report.file],
    ['format', `${report.encoding}, ${report.bitsPerSample}-bit, ${channelWord}`],
    ['sample rate', `${report.sampleRate} Hz`],
    ['duration', `${(report.durationMs / 1000).toFixed(3)} s (${report.frames} samples)`],
    ['peak', formatDbfs(report.peakDbfs)],
    ['rms', formatDbfs(report.rmsDbfs)],
    ['clipped', `${report.clippedSamples} samples`],
    [
      'silence',
      `${silencePercent}% of ${report.silenceFrameMs} ms frames below ` +
        `${report.silenceThresholdDbfs} dBFS`,
    ],
  ];

  return formatColumns(rows);
}

function formatDbfs(level: number | null): string {
  return level === null ? '-inf dBFS' : `${level.toFixed(1)} dBFS`;
}
