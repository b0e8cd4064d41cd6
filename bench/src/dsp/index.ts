// `npm run bench -- dsp`: the μ-law codec and the resampler against the alternatives.

import type { BenchResult } from '../report.js';
import { benchCoverage } from './coverage-bench.js';
import { benchMuLaw } from './mulaw-bench.js';
import {
  COMPARED_RATIOS,
  benchConversion,
  resamplerTable,
  type ResamplerRow,
} from './resampler-bench.js';
import { soxAvailable } from './resampler-peers.js';

/** Runs the DSP benchmark. */
export async function runDspBench(): Promise<BenchResult> {
  const muLaw = benchMuLaw();

  const conversions: ResamplerRow[][] = [];
  for (const [inputRate, outputRate] of COMPARED_RATIOS) {
    conversions.push(await benchConversion(inputRate, outputRate));
  }

  const coverage = benchCoverage();

  return {
    tables: [muLaw.table, ...conversions.map(resamplerTable), coverage.table],
    notes: [
      'Times are medians of rounds run round-robin across contenders, in CPU time of this ' +
        'process (JIT warmed up), so load from other processes on a shared machine is not counted.',
      'Goals: μ-law decode ≤ 1.1× and encode ≤ 1.5× the copy loop; 8 → 16 kHz at ≥ 90 dB and ' +
        '±0.1 dB in ≤ 10 µs per 20 ms frame.',
      'μ-law: "differs from G.191" counts inputs where the output is not the G.191 reference ' +
        '(media-core is checked against a G.191 oracle on all inputs by its tests).',
      'Resampler quality: tones on a non-harmonic grid; images/aliases measured at their ' +
        'predicted frequency with a Kaiser-windowed DFT, relative to the tone; passband from DC ' +
        'to 3.4 kHz. Same code as the media-core tests (measureConversion).',
      'Every output is measured as PCM16 (float outputs rounded), the form the voice path ' +
        'uses; libsamplerate times include the PCM16 ↔ float conversions, wave-resampler ' +
        'times the rounding of its Float64 output.',
      soxAvailable()
        ? 'sox: each pass is a new process on a 2 s raw file, timed on the wall clock, so its ' +
          'time includes process start.'
        : 'sox: not installed (/usr/bin/sox), not compared.',
    ],
    data: { muLaw: muLaw.rows, resampler: conversions.flat(), coverage: coverage.rows },
  };
}
