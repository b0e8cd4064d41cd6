// Record ids in the UUID version 7 layout (RFC 9562 §5.7): 48-bit Unix milliseconds first, so
// ids sort by creation time and break ties between records made in the same millisecond.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** A new time-ordered id, e.g. `0193a6c2-8f1e-7000-8a4b-…`; monotonic within this process. */
export function newId(): string {
  const nowMs = Date.now();
  // A 12-bit counter in rand_a (RFC 9562 method 1) keeps ids of one millisecond in order.
  sequence = nowMs > lastMs ? 0 : sequence + 1;
  lastMs = Math.max(nowMs, lastMs + (sequence > 0xfff ? 1 : 0));
  if (sequence > 0xfff) sequence = 0;

  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');

  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
