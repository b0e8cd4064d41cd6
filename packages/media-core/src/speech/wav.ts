/** PCM audio with its rate, as a WAV file holds it. */
export interface PcmAudio {
  /** Mono 16-bit samples. */
  pcm: Int16Array;
  /** Sample rate, in Hz. */
  sampleRate: number;
}

const HEADER_BYTES = 44;

/** Wraps mono PCM16 in a canonical 44-byte-header RIFF/WAVE file. */
export function encodeWav(pcm: Int16Array, sampleRate: number): Buffer {
  const dataBytes = pcm.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);

  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // format 1 = integer PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample

  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] as number, HEADER_BYTES + i * 2);

  return out;
}

/**
 * Reads a mono 16-bit PCM WAV file, walking its chunks (providers may add LIST chunks).
 * Throws a TypeError naming the rule when the file is not one.
 */
export function decodeWav(file: Uint8Array): PcmAudio {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF') {
    throw new TypeError('wav: file must start with a RIFF header');
  }

  let sampleRate = 0;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;

    if (id === 'fmt ') sampleRate = readFormat(buf, body);
    if (id === 'data') return { pcm: readSamples(buf, body, size), sampleRate: need(sampleRate) };

    at = body + size + (size % 2);
  }

  throw new TypeError('wav: file must hold a data chunk');
}

function readFormat(buf: Buffer, at: number): number {
  const format = buf.readUInt16LE(at);
  const channels = buf.readUInt16LE(at + 2);
  const bits = buf.readUInt16LE(at + 14);

  // Limit: only mono 16-bit integer PCM is read; stereo or float WAV from a provider is refused.
  if (format !== 1 || channels !== 1 || bits !== 16) {
    throw new TypeError('wav: audio must be mono 16-bit integer PCM');
  }

  return buf.readUInt32LE(at + 4);
}

function readSamples(buf: Buffer, at: number, size: number): Int16Array {
  // Some encoders write 0 or 0xFFFFFFFF as the size of a streamed data chunk.
  const bytes = Math.min(size === 0 ? buf.length - at : size, buf.length - at);
  const pcm = new Int16Array(Math.floor(bytes / 2));

  for (let i = 0; i < pcm.length; i++) pcm[i] = buf.readInt16LE(at + i * 2);

  return pcm;
}

function need(sampleRate: number): number {
  if (sampleRate <= 0) throw new TypeError('wav: fmt chunk must come before data');

  return sampleRate;
}
