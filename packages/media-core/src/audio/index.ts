// The audio codec core: pure, synchronous, no I/O, nothing else of ours imported.

export { decodeMuLaw, decodeMuLawSample, encodeMuLaw, encodeMuLawSample } from './mulaw.js';
export * from './vad.js';
export { StreamingResampler, resample, type ResamplerState } from './resampler.js';
export {
  DESIGN_ATTENUATION_DB,
  MAX_RATIO_FACTOR,
  PASSBAND_FRACTION,
  STOPBAND_FRACTION,
} from './polyphase-bank.js';
export {
  measureConversion,
  sineTone,
  spuriousFrequencies,
  toneAmplitude,
  toneGrid,
  type ConversionQuality,
  type ConvertFn,
  type QualityOptions,
  type ToneResult,
} from './conversion-quality.js';
