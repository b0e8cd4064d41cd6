// μ-law decode and encode per 20 ms frame, against a plain Int16 copy loop (the most a table
// lookup can hope for in JavaScript) and against `alawmulaw`.

import alawmulaw from 'alawmulaw';
import {
  decodeMuLaw,
  decodeMuLawSample,
  encodeMuLaw,
  encodeMuLawSample,
} from '@voice-agent/media-core/audio';

import { fixed, type Table } from '../report.js';
import { timeSideBySide, type Contender } from '../timing.js';

/** Samples in one Twilio media frame: 20 ms at 8 kHz. */
const FRAME_SAMPLES = 160;

/** One contender's figures. */
export interface MuLawRow {
  /** What was timed. */
  name: string;
  /** Median ns per sample. */
  nsPerSample: number;
  /** That, divided by the copy loop's. */
  ratioToCopy: number;
  /** Inputs on which it disagrees with this package's G.191-exact codec (of 65,536 or 256). */
  mismatches: number | undefined;
}

/** The JavaScript limit: copy one Int16Array into another, element by element. */
function copyPcm(source: Int16Array, target: Int16Array): Int16Array {
  const length = source.length;
  for (let i = 0; i < length; i++) target[i] = source[i] as number;

  return target;
}

/** Deterministic frame content: full-range PCM16 and every code, in a scrambled order. */
function frames(): { pcm: Int16Array; codes: Uint8Array } {
  const pcm = new Int16Array(FRAME_SAMPLES);
  const codes = new Uint8Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    pcm[i] = ((i * 40503) & 0xffff) - 32768;
    codes[i] = (i * 167) & 0xff;
  }

  return { pcm, codes };
}

function encodeMismatches(encode: (samples: Int16Array) => Uint8Array): number {
  const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
  const codes = encode(all);

  return all.reduce(
    (count, sample, i) => count + (codes[i] === encodeMuLawSample(sample) ? 0 : 1),
    0,
  );
}

function decodeMismatches(decode: (codes: Uint8Array) => Int16Array): number {
  const samples = decode(Uint8Array.from({ length: 256 }, (_, code) => code));

  return samples.reduce(
    (count, value, code) => count + (value === decodeMuLawSample(code) ? 0 : 1),
    0,
  );
}

/** Times the codecs side by side; returns the rows and the table. */
export function benchMuLaw(): { rows: MuLawRow[]; table: Table } {
  const { pcm, codes } = frames();
  const pcmOut = new Int16Array(FRAME_SAMPLES);
  const codesOut = new Uint8Array(FRAME_SAMPLES);
  const peer = alawmulaw.mulaw;

  const contenders: Contender[] = [
    { name: 'copy loop (Int16 → Int16)', run: () => copyPcm(pcm, pcmOut), units: FRAME_SAMPLES },
    { name: 'decode: media-core', run: () => decodeMuLaw(codes, pcmOut), units: FRAME_SAMPLES },
    { name: 'decode: alawmulaw', run: () => peer.decode(codes), units: FRAME_SAMPLES },
    { name: 'encode: media-core', run: () => encodeMuLaw(pcm, codesOut), units: FRAME_SAMPLES },
    { name: 'encode: alawmulaw', run: () => peer.encode(pcm), units: FRAME_SAMPLES },
  ];
  const timings = timeSideBySide(contenders, { rounds: 15, turnMs: 40 });
  const copyNs = timings.get(contenders[0]?.name ?? '') ?? NaN;

  const mismatches = new Map<string, number>([
    ['decode: media-core', decodeMismatches((c) => decodeMuLaw(c))],
    ['decode: alawmulaw', decodeMismatches((c) => peer.decode(c))],
    ['encode: media-core', encodeMismatches((s) => encodeMuLaw(s))],
    ['encode: alawmulaw', encodeMismatches((s) => peer.encode(s))],
  ]);

  const rows = contenders.map(({ name }) => {
    const nsPerSample = timings.get(name) ?? NaN;

    return {
      name,
      nsPerSample,
      ratioToCopy: nsPerSample / copyNs,
      mismatches: mismatches.get(name),
    };
  });

  return { rows, table: muLawTable(rows) };
}

function muLawTable(rows: MuLawRow[]): Table {
  return {
    title: 'G.711 μ-law, 160-sample (20 ms) frames',
    columns: ['codec', 'ns / sample', '× copy loop', 'differs from G.191 on'],
    rows: rows.map((row) => [
      row.name,
      fixed(row.nsPerSample, 2),
      fixed(row.ratioToCopy, 2),
      row.mismatches === undefined
        ? ''
        : `${row.mismatches} of ${row.name.startsWith('encode') ? 65536 : 256}`,
    ]),
  };
}
