// G.711 μ-law, bit-exact with ITU-T G.191's reference `ulaw_compress` / `ulaw_expand`.
//
// Both directions are table lookups built once at load: decoding indexes 256 PCM16 values by
// code; encoding indexes 16,384 codes by `sample >> 2`, because G.191 looks only at the top
// 14 bits of a sample (and `~x >> 2 === ~(x >> 2)`, so negative inputs depend on them alone too).

/** Number of distinct 14-bit inputs G.191's compressor sees (`sample >> 2`). */
const ENCODE_TABLE_SIZE = 1 << 14;

/** Mask that turns an arithmetic `sample >> 2` into an index into the encode table. */
const ENCODE_INDEX_MASK = ENCODE_TABLE_SIZE - 1;

/** The μ-law bias G.191 adds to the 14-bit magnitude (33, i.e. 132 in 16-bit units). */
const BIAS_14BIT = 33;

/** Largest biased 14-bit magnitude the 8 segments can represent. */
const MAX_BIASED_14BIT = 0x1fff;

/** Expands one code the way G.191 `ulaw_expand` does. */
function expandCode(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inverted = ~code;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const step = 4 << (exponent + 1);

  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * BIAS_14BIT);
}

/** Compresses one 14-bit value (`sample >> 2`, sign-extended) as G.191 `ulaw_compress` does. */
function compress14(value14: number): number {
  const negative = value14 < 0;
  const magnitude = Math.min((negative ? ~value14 : value14) + BIAS_14BIT, MAX_BIASED_14BIT);

  // G.191 counts segments by shifting `magnitude >> 6` to zero; clz32 gives the same count.
  const segment = 1 + (32 - Math.clz32(magnitude >> 6));
  const highNibble = 8 - segment;
  const lowNibble = 0x0f - ((magnitude >> segment) & 0x0f);
  const code = (highNibble << 4) | lowNibble;

  return negative ? code : code | 0x80;
}

function buildDecodeTable(): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = expandCode(code);

  return table;
}

function buildEncodeTable(): Uint8Array {
  const table = new Uint8Array(ENCODE_TABLE_SIZE);
  for (let index = 0; index < ENCODE_TABLE_SIZE; index++) {
    // Index bits are the low 14 bits of `sample >> 2`; sign-extend them back to a 14-bit value.
    const value14 = (index << 18) >> 18;
    table[index] = compress14(value14);
  }

  return table;
}

const DECODE_TABLE = buildDecodeTable();
const ENCODE_TABLE = buildEncodeTable();

/** Decodes one μ-law code (0..255) to a PCM16 sample (G.191 `ulaw_expand`; range ±32124). */
export function decodeMuLawSample(code: number): number {
  return DECODE_TABLE[code & 0xff] as number;
}

/** Encodes one PCM16 sample (-32768..32767) to a μ-law code (G.191 `ulaw_compress`). */
export function encodeMuLawSample(sample: number): number {
  return ENCODE_TABLE[(sample >> 2) & ENCODE_INDEX_MASK] as number;
}

/** Decode G.711 μ-law codes to PCM16 (G.191 ulaw_expand). `out` is reused when given. */
export function decodeMuLaw(codes: Uint8Array, out?: Int16Array): Int16Array {
  const target = out ?? new Int16Array(codes.length);
  checkOutput(target.length, codes.length);

  // Why unrolled by four: V8 does not unroll loops, and the loop's own compare-and-branch
  // costs as much as the lookup; four samples per turn brings both directions to the speed of
  // a plain copy loop (measured by `npm run bench -- dsp`).
  const table = DECODE_TABLE;
  const length = codes.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    target[i] = table[codes[i] as number] as number;
    target[i + 1] = table[codes[i + 1] as number] as number;
    target[i + 2] = table[codes[i + 2] as number] as number;
    target[i + 3] = table[codes[i + 3] as number] as number;
  }
  for (; i < length; i++) target[i] = table[codes[i] as number] as number;

  return target;
}

/** Encode PCM16 to G.711 μ-law (G.191 ulaw_compress). `out` is reused when given. */
export function encodeMuLaw(samples: Int16Array, out?: Uint8Array): Uint8Array {
  const target = out ?? new Uint8Array(samples.length);
  checkOutput(target.length, samples.length);

  // Unrolled by four for the reason given in decodeMuLaw.
  const table = ENCODE_TABLE;
  const length = samples.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    target[i] = table[((samples[i] as number) >> 2) & ENCODE_INDEX_MASK] as number;
    target[i + 1] = table[((samples[i + 1] as number) >> 2) & ENCODE_INDEX_MASK] as number;
    target[i + 2] = table[((samples[i + 2] as number) >> 2) & ENCODE_INDEX_MASK] as number;
    target[i + 3] = table[((samples[i + 3] as number) >> 2) & ENCODE_INDEX_MASK] as number;
  }
  for (; i < length; i++) {
    target[i] = table[((samples[i] as number) >> 2) & ENCODE_INDEX_MASK] as number;
  }

  return target;
}

function checkOutput(outLength: number, inLength: number): void {
  if (outLength < inLength) {
    throw new RangeError(`out: must hold at least ${inLength} samples, got ${outLength}`);
  }
}
