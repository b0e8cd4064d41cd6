// Checks a RecognitionConfig the way the emulator can honour it, and turns audio bytes of that
// config into PCM16.
import { grpc } from 'google-gax';
import { grpcFailure, type GrpcFailure } from '../faults/grpc-failure.js';

/** The fields of google.cloud.speech.v1.RecognitionConfig the emulator reads. */
export interface RecognitionConfigMessage {
  encoding?: string;
  sampleRateHertz?: number;
  languageCode?: string;
  model?: string;
}

/** A checked recognition config. */
export interface AudioFormat {
  /** LINEAR16 (little-endian PCM16) or MULAW (G.711 μ-law bytes). */
  encoding: 'LINEAR16' | 'MULAW';
  /** Sample rate in Hz. */
  sampleRate: number;
  /** BCP-47 language, lower-cased as Google echoes it (`en-in`). */
  languageCode: string;
}

/** Checks the config; returns INVALID_ARGUMENT naming the field when it is unusable. */
export function checkRecognitionConfig(
  config: RecognitionConfigMessage | undefined,
): AudioFormat | GrpcFailure {
  const invalid = (details: string): GrpcFailure =>
    grpcFailure(grpc.status.INVALID_ARGUMENT, details);
  if (!config) return invalid('config: is required');

  const encoding = config.encoding ?? 'ENCODING_UNSPECIFIED';
  if (encoding !== 'LINEAR16' && encoding !== 'MULAW') {
    return invalid(
      `config.encoding: ${encoding} is not supported by the emulator (LINEAR16, MULAW)`,
    );
  }

  const sampleRate = config.sampleRateHertz ?? 0;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) {
    return invalid('config.sample_rate_hertz: must be between 8000 and 48000');
  }

  if (!config.languageCode) return invalid('config.language_code: is required');

  return { encoding, sampleRate, languageCode: config.languageCode.toLowerCase() };
}

/** Turns audio bytes into PCM16, carrying an odd LINEAR16 byte over to the next chunk. */
export class AudioDecoder {
  private carry: number | undefined;

  constructor(private readonly encoding: AudioFormat['encoding']) {}

  /** Decodes one chunk of audio bytes. */
  decode(bytes: Uint8Array): Int16Array {
    return this.encoding === 'MULAW' ? decodeMuLawBytes(bytes) : this.decodeLinear16(bytes);
  }

  private decodeLinear16(bytes: Uint8Array): Int16Array {
    const joined = this.carry === undefined ? bytes : withLeadingByte(this.carry, bytes);
    const count = joined.length >> 1;
    this.carry = joined.length % 2 === 1 ? joined[joined.length - 1] : undefined;

    const samples = new Int16Array(count);
    const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    for (let i = 0; i < count; i += 1) samples[i] = view.getInt16(2 * i, true);

    return samples;
  }
}

function withLeadingByte(first: number, bytes: Uint8Array): Uint8Array {
  const joined = new Uint8Array(bytes.length + 1);
  joined[0] = first;
  joined.set(bytes, 1);

  return joined;
}

/** G.711 μ-law bytes to PCM16 (the standard expansion, bias 0x84). */
export function decodeMuLawBytes(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) {
    const code = ~(bytes[i] ?? 0) & 0xff;
    const magnitude = (((code & 0x0f) << 3) + 0x84) << ((code & 0x70) >> 4);
    samples[i] = code & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
  }

  return samples;
}
