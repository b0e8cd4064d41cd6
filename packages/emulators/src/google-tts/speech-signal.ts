// The "voice" every emulated synthesizer speaks: not speech, but a signal with speech's timing
// and level, so playback, pacing and barge-in behave as with a real voice. A harmonic buzz
// (a drifting 120-160 Hz fundamental, harmonics up to 3.4 kHz falling 6 dB per octave) whose
// amplitude rises and falls at a syllable rate of ~4.5 Hz, with a short gap between words.
//
// Duration: 65 ms per character spoken (letters, digits, marks; spaces and punctuation do not
// count) plus 150 ms per pause mark (, . ? ! ; : ।), divided by the speaking rate (pace), and
// at least 200 ms.

/** Ms of audio per spoken character at pace 1. */
export const msPerCharacter = 65;
/** Ms of pause per punctuation mark at pace 1. */
export const msPerPause = 150;
/** Peak level of the signal as a fraction of full scale (about -12 dBFS). */
const peakLevel = 0.25;
const syllableHz = 4.5;

/** How long the synthetic voice takes to say a text, in ms. */
export function speechDurationMs(text: string, pace = 1): number {
  const characters = [...text].filter((char) => /[\p{L}\p{N}\p{M}]/u.test(char)).length;
  const pauses = [...text].filter((char) => /[,.?!;:।]/u.test(char)).length;

  return Math.max(200, Math.round((characters * msPerCharacter + pauses * msPerPause) / pace));
}

/** Synthesizes the speech-like signal for a text at a sample rate (Hz) and pace. */
export function synthesizeSpeechSignal(text: string, sampleRate: number, pace = 1): Int16Array {
  const samples = new Int16Array(Math.round((speechDurationMs(text, pace) * sampleRate) / 1000));
  const harmonics = Math.max(1, Math.floor(Math.min(3400, sampleRate / 2 - 200) / 160));
  const seed = textSeed(text);
  let phase = 0;

  for (let i = 0; i < samples.length; i += 1) {
    const t = i / sampleRate;
    const f0 = 140 + 20 * Math.sin(2 * Math.PI * (0.7 + seed) * t);
    phase += (2 * Math.PI * f0) / sampleRate;

    let buzz = 0;
    for (let k = 1; k <= harmonics; k += 1) buzz += Math.sin(k * phase) / k;

    samples[i] = Math.round(
      32767 * peakLevel * 0.6 * buzz * envelope(t, samples.length / sampleRate),
    );
  }

  return samples;
}

/** Syllable-rate amplitude modulation with 20 ms fades at both ends. */
function envelope(t: number, totalS: number): number {
  const syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * syllableHz * t);
  const fade = Math.min(1, t / 0.02, (totalS - t) / 0.02);

  return Math.max(0, fade) * (0.15 + 0.85 * syllable);
}

/** A number in 0..0.5 derived from the text, so different texts drift differently. */
function textSeed(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1000;

  return hash / 2000;
}
