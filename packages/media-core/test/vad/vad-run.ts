// Runs the VAD the way a DSP worker does (WebRTC VAD per 20 ms frame, energy and noise floors,
// speech gate), over a whole fixture, for the accuracy tests.
import { decodeMuLaw } from '../../src/audio/index.js';
import {
  advanceSpeechGate,
  frameEnergyDb,
  initialSpeechGateState,
  judgeFrame,
  type ResolvedVadOptions,
} from '../../src/audio/vad.js';
import { VAD_FRAME_SAMPLES, type WebRtcVad } from '../../src/dsp/webrtc-vad.js';

/** What the VAD made of one recording. */
export interface VadRun {
  /** Per frame: the classifier (and energy floor) said voiced. */
  voiced: boolean[];
  /** Per frame: inside speech after the gate. */
  speech: boolean[];
  /** Time of the first speech frame in ms, or -1 when speech never started. */
  firstSpeechMs: number;
}

/** Classifies a μ-law recording frame by frame from a fresh state. */
export function runVad(vad: WebRtcVad, muLaw: Uint8Array, options: ResolvedVadOptions): VadRun {
  return runVadPcm(vad, decodeMuLaw(muLaw), options);
}

/** Classifies 8 kHz PCM16 frame by frame from a fresh state. */
export function runVadPcm(vad: WebRtcVad, pcm: Int16Array, options: ResolvedVadOptions): VadRun {
  const gate = initialSpeechGateState();
  const run: VadRun = { voiced: [], speech: [], firstSpeechMs: -1 };

  vad.restore(null, options.mode);
  for (let offset = 0; offset + VAD_FRAME_SAMPLES <= pcm.length; offset += VAD_FRAME_SAMPLES) {
    const frame = pcm.subarray(offset, offset + VAD_FRAME_SAMPLES);
    const voiced = judgeFrame(gate, vad.isVoiced(frame), frameEnergyDb(frame), 20, options);
    const speech = advanceSpeechGate(gate, voiced, 20, options);

    if (speech && run.firstSpeechMs < 0) run.firstSpeechMs = offset / 8;
    run.voiced.push(voiced);
    run.speech.push(speech);
  }
  return run;
}

/** Share of true values, 0 to 1. */
export function share(values: boolean[]): number {
  return values.filter(Boolean).length / Math.max(1, values.length);
}
