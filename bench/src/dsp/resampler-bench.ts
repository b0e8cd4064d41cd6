// Resamplers side by side: cost per 20 ms frame and quality on the same tone grid, measured by
// the same code the media-core tests use (`measureConversion`).

import { measureConversion, sineTone } from '@voice-agent/media-core/audio';

import { fixed, type Table } from '../report.js';
import { timeSideBySide } from '../timing.js';
import {
  libsampleratePeer,
  mediaCorePeer,
  soxAvailable,
  soxPeer,
  waveResamplerPeer,
  type ResamplerPeer,
} from './resampler-peers.js';

/** The conversions compared: caller to recognizer, TTS to caller. */
export const COMPARED_RATIOS: ReadonlyArray<readonly [number, number]> = [
  [8000, 16000],
  [24000, 8000],
];

/** Length of the timed signal, ms (a whole number of 20 ms frames). */
const SIGNAL_MS = 2000;

/** Duration of one 20 ms frame, µs. */
const FRAME_US = 20_000;

/** A level that means "the output was silent at that frequency", dB. */
const FLOOR_DB = -150;

/** One peer's figures for one conversion. */
export interface ResamplerRow {
  /** Peer name. */
  name: string;
  /** How it was run. */
  mode: string;
  /** Input rate, Hz. */
  inputRate: number;
  /** Output rate, Hz. */
  outputRate: number;
  /** Median µs per 20 ms frame of input. */
  usPerFrame: number;
  /** Audio seconds per second of CPU (single core). */
  timesRealTime: number;
  /** Worst image (up) or alias (down) relative to the tone, dB. */
  worstSpuriousDb: number;
  /** Tone that produced it, Hz. */
  worstToneHz: number | undefined;
  /** Largest |gain| from DC to 3.4 kHz, dB. */
  passbandDeviationDb: number;
}

async function peersFor(inputRate: number, outputRate: number): Promise<ResamplerPeer[]> {
  const peers = [
    mediaCorePeer(inputRate, outputRate),
    waveResamplerPeer(inputRate, outputRate, 'linear', { method: 'linear' }),
    waveResamplerPeer(inputRate, outputRate, 'cubic + IIR LPF (default)', {}),
    waveResamplerPeer(inputRate, outputRate, 'sinc + IIR LPF', { method: 'sinc' }),
    await libsampleratePeer(inputRate, outputRate, 'SRC_LINEAR'),
    await libsampleratePeer(inputRate, outputRate, 'SRC_SINC_FASTEST'),
    await libsampleratePeer(inputRate, outputRate, 'SRC_SINC_MEDIUM_QUALITY'),
    await libsampleratePeer(inputRate, outputRate, 'SRC_SINC_BEST_QUALITY'),
  ];
  if (soxAvailable()) {
    peers.push(soxPeer(inputRate, outputRate, '-m'), soxPeer(inputRate, outputRate, '-h'));
  }

  return peers;
}

/** Median µs per 20 ms frame, round-robin across peers. */
function timePeers(peers: ResamplerPeer[], inputRate: number): number[] {
  const signal = sineTone(997, inputRate, SIGNAL_MS);
  const contenders = peers.map((peer) => ({
    name: peer.name,
    run: peer.prepare(signal),
    units: SIGNAL_MS / 20,
    clock: peer.clock,
  }));
  const nsPerFrame = timeSideBySide(contenders, { rounds: 7, turnMs: 30 });

  return peers.map((peer) => (nsPerFrame.get(peer.name) ?? NaN) / 1000);
}

/** Times and measures every peer on one conversion. */
export async function benchConversion(
  inputRate: number,
  outputRate: number,
): Promise<ResamplerRow[]> {
  const peers = await peersFor(inputRate, outputRate);
  try {
    const timings = timePeers(peers, inputRate);

    return peers.map((peer, index) => {
      const quality = measureConversion(peer.convert, inputRate, outputRate, { passbandHz: 3400 });
      const usPerFrame = timings[index] ?? NaN;

      return {
        name: peer.name,
        mode: peer.mode,
        inputRate,
        outputRate,
        usPerFrame,
        timesRealTime: FRAME_US / usPerFrame,
        worstSpuriousDb: quality.worstSpuriousDb,
        worstToneHz: quality.worstSpurious?.toneHz,
        passbandDeviationDb: quality.passbandDeviationDb,
      };
    });
  } finally {
    for (const peer of peers) peer.close();
  }
}

function levelCell(db: number): string {
  return db <= FLOOR_DB ? `< ${FLOOR_DB}` : fixed(db, 1);
}

/** The table of one conversion. */
export function resamplerTable(rows: ResamplerRow[]): Table {
  const first = rows[0];
  const up = first !== undefined && first.outputRate > first.inputRate;
  const title = first === undefined ? 'resampler' : `${first.inputRate} → ${first.outputRate} Hz`;

  return {
    title: `Resampler ${title}`,
    columns: [
      'resampler',
      'mode',
      'µs / 20 ms frame',
      '× real-time',
      `worst ${up ? 'image' : 'alias'} dB`,
      'passband dev. dB (0–3.4 kHz)',
    ],
    rows: rows.map((row) => [
      row.name,
      row.mode,
      fixed(row.usPerFrame, 1),
      fixed(row.timesRealTime, 0),
      levelCell(row.worstSpuriousDb),
      fixed(row.passbandDeviationDb, 3),
    ]),
  };
}
