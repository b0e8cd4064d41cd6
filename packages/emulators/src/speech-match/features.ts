// The compact fingerprint of audio the matcher compares: per 10 ms frame, the log energy and
// the share of energy below 800 Hz. Both are measured in physical units (dBFS, Hz), so the
// same sound gives the same frames at 8 kHz or 16 kHz.

/** Length of one feature frame in ms. */
export const frameMs = 10;

/** Energies below this are clamped, so digital silence does not dominate a correlation. */
export const floorDb = -90;

const lowBandHz = 800;

/** The features of one frame. */
export interface FeatureFrame {
  /** Mean power of the frame in dBFS (a full-scale square wave is 0). */
  energyDb: number;
  /** Power below ~800 Hz relative to the whole frame, in dB (0: all low, negative: brighter). */
  lowShareDb: number;
}

/** Turns PCM16 at any rate into feature frames, keeping state across chunks. */
export class FeatureExtractor {
  /** Samples per frame at this rate. */
  readonly frameSamples: number;
  private readonly lowPassCoeff: number;
  private lowState = 0;
  private sumSquares = 0;
  private sumLowSquares = 0;
  private filled = 0;

  /** @param sampleRate input rate in Hz */
  constructor(readonly sampleRate: number) {
    this.frameSamples = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
    this.lowPassCoeff = 1 - Math.exp((-2 * Math.PI * lowBandHz) / sampleRate);
  }

  /** Adds samples; returns the frames they complete. */
  push(samples: Int16Array): FeatureFrame[] {
    const frames: FeatureFrame[] = [];
    for (let i = 0; i < samples.length; i += 1) {
      const x = (samples[i] ?? 0) / 32768;
      this.lowState += this.lowPassCoeff * (x - this.lowState);
      this.sumSquares += x * x;
      this.sumLowSquares += this.lowState * this.lowState;
      this.filled += 1;

      if (this.filled === this.frameSamples) frames.push(this.completeFrame());
    }

    return frames;
  }

  private completeFrame(): FeatureFrame {
    const power = this.sumSquares / this.frameSamples;
    const lowPower = this.sumLowSquares / this.frameSamples;
    this.sumSquares = 0;
    this.sumLowSquares = 0;
    this.filled = 0;

    return {
      energyDb: Math.max(floorDb, 10 * Math.log10(power + 1e-12) + 3.01),
      lowShareDb: Math.max(-30, 10 * Math.log10((lowPower + 1e-12) / (power + 1e-12))),
    };
  }
}

/** All feature frames of a whole signal. */
export function extractFeatures(samples: Int16Array, sampleRate: number): FeatureFrame[] {
  return new FeatureExtractor(sampleRate).push(samples);
}
