// One simulated call for the failover bench: fixture utterances as 16 kHz PCM, fed in 20 ms
// frames with an energy VAD through the media core's speech gate, at a multiple of real time.
import {
  advanceSpeechGate,
  decodeMuLaw,
  DEFAULT_VAD_OPTIONS,
  frameEnergyDb,
  initialSpeechGateState,
  resample,
} from '@voice-agent/media-core/audio';
import type { Recognizer } from '@voice-agent/media-core/speech';
import { loadFixtureManifest, readFixtureMuLaw } from '@voice-agent/emulators';

/** Recognizer sample rate, in Hz. */
export const RATE = 16_000;
const FRAME_MS = 20;

/**
 * VAD hangover longer than the emulators' 600 ms endpointing, so the local VAD (Sarvam's
 * segmenter) and Google's endpointing agree on where utterances end.
 */
const VAD = { ...DEFAULT_VAD_OPTIONS, minSilenceMs: 700 };

/** A call's audio and where its utterances sit. */
export interface CallAudio {
  /** 16 kHz PCM of the whole call. */
  pcm: Int16Array;
  /** Text of each utterance, in order. */
  texts: string[];
  /** Start of each utterance in the call, in ms. */
  startsMs: number[];
}

/** Builds call audio: lead-in, then each utterance followed by a pause. */
export async function buildCall(
  ids: string[],
  leadMs: number,
  pauseMs: number,
): Promise<CallAudio> {
  const manifest = await loadFixtureManifest();
  const parts: Int16Array[] = [new Int16Array((leadMs * RATE) / 1000)];
  const texts: string[] = [];
  const startsMs: number[] = [];
  let atMs = leadMs;

  for (const id of ids) {
    const entry = manifest.byId.get(id);
    if (entry?.kind !== 'utterance') throw new Error(`no utterance fixture "${id}"`);

    const pcm = resample(decodeMuLaw(await readFixtureMuLaw(manifest, id)), 8000, RATE);
    texts.push(entry.text);
    startsMs.push(atMs);
    parts.push(pcm, new Int16Array((pauseMs * RATE) / 1000));
    atMs += (pcm.length / RATE) * 1000 + pauseMs;
  }

  return { pcm: concat(parts), texts, startsMs };
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }

  return out;
}

/** Hooks into a feed. */
export interface FeedHooks {
  /** Before each frame, with its call time in ms. */
  onFrame?: (atMs: number) => void;
  /** When the VAD ends speech. */
  onSpeechEnd?: () => void;
}

/** Feeds a call at `speed` × real time, telling the recognizer the VAD's speech boundaries. */
export async function feedCall(
  recognizer: Recognizer,
  pcm: Int16Array,
  speed: number,
  hooks: FeedHooks = {},
): Promise<void> {
  const frameSamples = (FRAME_MS * RATE) / 1000;
  const gate = initialSpeechGateState();
  const started = performance.now();

  for (let at = 0, frame = 0; at < pcm.length; at += frameSamples, frame++) {
    const chunk = pcm.slice(at, at + frameSamples);
    const wasSpeaking = gate.speaking;
    hooks.onFrame?.(frame * FRAME_MS);

    recognizer.write(chunk);
    advanceSpeechGate(gate, frameEnergyDb(chunk) > -45, FRAME_MS, VAD);
    if (gate.speaking && !wasSpeaking) recognizer.speechStarted();
    if (!gate.speaking && wasSpeaking) {
      recognizer.speechEnded();
      hooks.onSpeechEnd?.();
    }

    if (frame % 5 === 4) {
      const dueMs = started + ((frame + 1) * FRAME_MS) / speed;
      await new Promise((r) => setTimeout(r, Math.max(0, dueMs - performance.now())));
    }
  }
}

/** Words of a transcript, lower case, punctuation dropped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}\p{M}]/gu, ''))
    .filter(Boolean);
}

/** Words missing from `got` and words it has too many of, against `expected` (multisets). */
export function wordDiff(expected: string[], got: string[]): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const w of expected) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of got) counts.set(w, (counts.get(w) ?? 0) - 1);

  let lost = 0;
  let duplicated = 0;
  for (const n of counts.values()) {
    if (n > 0) lost += n;
    else duplicated -= n;
  }

  return { lost, duplicated };
}
