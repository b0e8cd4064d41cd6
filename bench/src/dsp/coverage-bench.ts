// The media-core resampler alone on every conversion the voice path may need: cost, delay and
// quality, so a provider's rate can be judged before it is wired in.

import {
  StreamingResampler,
  measureConversion,
  resample,
  sineTone,
} from '@voice-agent/media-core/audio';

import { fixed, type Table } from '../report.js';
import { timeSideBySide } from '../timing.js';

/** Caller ↔ recognizer and TTS → caller conversions. */
const CONVERSIONS: ReadonlyArray<readonly [number, number]> = [
  [8000, 16000],
  [16000, 8000],
  [22050, 8000],
  [24000, 8000],
  [44100, 8000],
  [48000, 8000],
  [22050, 16000],
  [24000, 16000],
];

/** One conversion's figures. */
export interface CoverageRow {
  /** Input rate, Hz. */
  inputRate: number;
  /** Output rate, Hz. */
  outputRate: number;
  /** Median CPU µs per 20 ms frame. */
  usPerFrame: number;
  /** Group delay, ms. */
  delayMs: number;
  /** Worst image or alias, dB. */
  worstSpuriousDb: number;
  /** Largest |gain| over 0.425 × the lower rate, dB. */
  passbandDeviationDb: number;
}

function timeConversion(inputRate: number, outputRate: number): number {
  const resampler = new StreamingResampler(inputRate, outputRate);
  const frame = sineTone(997, inputRate, 20);
  const out = new Int16Array(resampler.outputLength(frame.length) + 1);
  const timing = timeSideBySide(
    [{ name: 'frame', run: () => resampler.processInto(frame, out), units: 1 }],
    { rounds: 7, turnMs: 20 },
  );

  return (timing.get('frame') ?? NaN) / 1000;
}

/** Measures every conversion; returns rows and the table. */
export function benchCoverage(): { rows: CoverageRow[]; table: Table } {
  const rows = CONVERSIONS.map(([inputRate, outputRate]) => {
    const quality = measureConversion(
      (input) => resample(input, inputRate, outputRate),
      inputRate,
      outputRate,
    );

    return {
      inputRate,
      outputRate,
      usPerFrame: timeConversion(inputRate, outputRate),
      delayMs: new StreamingResampler(inputRate, outputRate).delayMs,
      worstSpuriousDb: quality.worstSpuriousDb,
      passbandDeviationDb: quality.passbandDeviationDb,
    };
  });

  const table: Table = {
    title: 'media-core resampler on every conversion (passband 0.425 × the lower rate)',
    columns: [
      'conversion',
      'µs / 20 ms frame',
      'delay ms',
      'worst image/alias dB',
      'passband dev. dB',
    ],
    rows: rows.map((row) => [
      `${row.inputRate} → ${row.outputRate} Hz`,
      fixed(row.usPerFrame, 1),
      fixed(row.delayMs, 2),
      row.worstSpuriousDb <= -150 ? '< -150' : fixed(row.worstSpuriousDb, 1),
      fixed(row.passbandDeviationDb, 4),
    ]),
  };

  return { rows, table };
}
