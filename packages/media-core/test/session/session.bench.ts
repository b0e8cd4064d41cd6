// Micro-benchmark: the event-loop cost of one inbound `media` frame through a CallSession
// (parse, checks, DSP hand-off, `media` event), and of turning a uWS message into text.
// Not run by `npm test`. Run with a young generation big enough that no scavenge lands inside
// a measured round, so the heap delta is the bytes allocated:
//   node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 packages/media-core/dist/test/session/session.bench.js
import pino from 'pino';
import { CallSession } from '../../src/call/session.js';
import type { DspOpener, DspStream } from '../../src/call/collaborators.js';
import { MediaMetrics } from '../../src/ops/metrics.js';

const ROUNDS = 11;
const FRAMES_PER_ROUND = 20_000;
/** Distinct messages cycled through, so no string is one the engine has just seen. */
const DISTINCT_MESSAGES = 1000;

const streamSid = 'MZ0123456789abcdef0123456789abcdef';
const start = JSON.stringify({
  event: 'start',
  sequenceNumber: '1',
  start: {
    accountSid: 'AC0123',
    streamSid,
    callSid: 'CA0123',
    tracks: ['inbound'],
    customParameters: { callId: 'bench' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
  streamSid,
});

function mediaMessage(chunk: number): string {
  const bytes = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37 + chunk) & 0xff));
  const media = `"media":{"track":"inbound","chunk":"${chunk}","timestamp":"${chunk * 20}","payload":"${bytes.toString('base64')}"}`;

  return `{"event":"media","sequenceNumber":"${chunk + 1}",${media},"streamSid":"${streamSid}"}`;
}

/** A DSP stream that copies each frame into a ring, as the pool's queue does. */
function stubDsp(): DspOpener {
  const ring = new Uint8Array(160 * 64);
  let at = 0;
  const stream: DspStream = {
    pushFrame: (muLaw) => {
      ring.set(muLaw, at);
      at = (at + muLaw.byteLength) % ring.length;
    },
    close: () => {},
  } as DspStream;

  return { openStream: () => stream };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[sorted.length >> 1] ?? NaN;
}

function heapBytes(): number {
  const usage = process.memoryUsage();

  return usage.heapUsed + usage.arrayBuffers;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Runs `body(i)` FRAMES_PER_ROUND times per round; returns median ns and bytes per call. */
function measure(body: (i: number) => void): { ns: number; bytes: number } {
  const ns: number[] = [];
  const bytes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    gc();
    const heapBefore = heapBytes();
    const started = process.hrtime.bigint();
    for (let i = 0; i < FRAMES_PER_ROUND; i++) body(i);
    ns.push(Number(process.hrtime.bigint() - started) / FRAMES_PER_ROUND);
    bytes.push((heapBytes() - heapBefore) / FRAMES_PER_ROUND);
  }

  return { ns: median(ns), bytes: median(bytes) };
}

function benchSession(withListener: boolean): { ns: number; bytes: number } {
  const metrics = new MediaMetrics();
  const session = new CallSession({
    connectionId: 1,
    send: () => true,
    closeSocket: () => {},
    metrics,
    log: pino({ level: 'silent' }),
    dsp: stubDsp(),
  });
  let arrivals = 0;
  // What the conversation pipeline listens for: the arrival time of each frame.
  if (withListener)
    session.on('media', (_muLaw, _mediaMs, receivedAtMs) => (arrivals += receivedAtMs > 0 ? 1 : 0));
  session.handleText(start);
  const messages = Array.from({ length: DISTINCT_MESSAGES }, (_, i) => mediaMessage(i + 1));

  const result = measure((i) => session.handleText(messages[i % DISTINCT_MESSAGES]!));
  session.hangUp();
  metrics.close();

  return result;
}

function benchDecode(decode: (message: ArrayBuffer) => string): { ns: number; bytes: number } {
  const messages = Array.from({ length: DISTINCT_MESSAGES }, (_, i) => {
    const bytes = Buffer.from(mediaMessage(i + 1));

    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  let length = 0;
  const result = measure((i) => {
    length += decode(messages[i % DISTINCT_MESSAGES]!).length;
  });

  return length > 0 ? result : result;
}

const format = (label: string, { ns, bytes }: { ns: number; bytes: number }) =>
  `${label}: ${ns.toFixed(0)} ns/frame, ${bytes.toFixed(0)} B/frame`;

const utf8 = new TextDecoder();
console.log(format('session, media listener', benchSession(true)));
console.log(format('session, no listener', benchSession(false)));
console.log(
  format(
    'uws text: Buffer.from().toString',
    benchDecode((m) => Buffer.from(m).toString('utf8')),
  ),
);
console.log(
  format(
    'uws text: TextDecoder',
    benchDecode((m) => utf8.decode(m)),
  ),
);
console.log(`(median of ${ROUNDS} rounds x ${FRAMES_PER_ROUND} frames)`);
