// WAV in and out for the emulators: read whatever a client uploads (PCM16, μ-law, other PCM
// depths; channels mixed down), write PCM16 or μ-law with the canonical 44-byte header.
import wavefile from 'wavefile';

/** Decoded mono audio. */
export interface PcmAudio {
  /** Mono PCM16 samples. */
  samples: Int16Array;
  /** Sample rate in Hz. */
  sampleRate: number;
}

/** A WAV that cannot be read: names what is wrong. */
export class WavError extends Error {
  /** Stable code for callers that branch on it. */
  readonly code = 'EMULATOR_BAD_WAV';
}

/** Decodes a WAV file to mono PCM16; throws WavError when it is not a readable WAV. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new WavError(`file: not a readable WAV (${(error as Error).message})`);
  }

  if (wav.bitDepth === '8m') wav.fromMuLaw();
  else if (wav.bitDepth !== '16') wav.toBitDepth('16');

  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  const channels = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];

  return { samples: mixDown(channels, fmt.numChannels), sampleRate: fmt.sampleRate };
}

function mixDown(channels: Int16Array | Int16Array[], count: number): Int16Array {
  if (count === 1 || !Array.isArray(channels)) return channels as Int16Array;

  const first = channels[0] ?? new Int16Array(0);
  const mono = new Int16Array(first.length);
  for (let i = 0; i < mono.length; i += 1) {
    let sum = 0;
    for (const channel of channels) sum += channel[i] ?? 0;
    mono[i] = Math.round(sum / channels.length);
  }

  return mono;
}

/** Sample encodings the emulators write. */
export type WavEncoding = 'linear16' | 'mulaw';

/** Encodes mono PCM16 as a WAV file (RIFF, fmt chunk of 16 bytes, data chunk). */
export function encodeWav(
  samples: Int16Array,
  sampleRate: number,
  encoding: WavEncoding = 'linear16',
): Buffer {
  const bytesPerSample = encoding === 'mulaw' ? 1 : 2;
  const dataBytes = samples.length * bytesPerSample;
  const out = Buffer.alloc(44 + dataBytes);

  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(encoding === 'mulaw' ? 7 : 1, 20); // WAVE_FORMAT_PCM = 1, MULAW = 7
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * bytesPerSample, 28);
  out.writeUInt16LE(bytesPerSample, 32);
  out.writeUInt16LE(bytesPerSample * 8, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);

  if (encoding === 'mulaw') {
    for (let i = 0; i < samples.length; i += 1) out[44 + i] = muLawByte(samples[i] ?? 0);
  } else {
    for (let i = 0; i < samples.length; i += 1) out.writeInt16LE(samples[i] ?? 0, 44 + 2 * i);
  }

  return out;
}

/** One PCM16 sample to a G.711 μ-law byte (bias 0x84, clip 32635). */
export function muLawByte(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;

  return ~magnitude & 0xff;
}
