// Micro-benchmark: the `media` fast path against the full JSON parse (not run by `npm test`).
// Run: node packages/media-core/dist/test/twilio/parse.bench.js
import { parseTwilioMessage } from '../../src/twilio/index.js';

const ROUNDS = 11;
const MESSAGES_PER_ROUND = 100_000;

const payload = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff)).toString(
  'base64',
);
const streamSid = 'MZ0123456789abcdef0123456789abcdef';
const media = `"media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"${payload}"}`;
const canonical = `{"event":"media","sequenceNumber":"3",${media},"streamSid":"${streamSid}"}`;
const reordered = `{"streamSid":"${streamSid}","event":"media","sequenceNumber":"3",${media}}`;

function nsPerMessage(text: string): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < MESSAGES_PER_ROUND; i++) parseTwilioMessage(text);

  return Number(process.hrtime.bigint() - started) / MESSAGES_PER_ROUND;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[sorted.length >> 1] ?? NaN;
}

const fast: number[] = [];
const full: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  fast.push(nsPerMessage(canonical));
  full.push(nsPerMessage(reordered));
}

const ratio = median(full) / median(fast);
console.log(
  `media parse: fast path ${median(fast).toFixed(0)} ns, full parse ${median(full).toFixed(0)} ns, ` +
    `ratio ${ratio.toFixed(2)} (median of ${ROUNDS} x ${MESSAGES_PER_ROUND})`,
);
