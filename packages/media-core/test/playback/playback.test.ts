// Playback against a listener that plays what it receives in real time, as Twilio does: whole
// 20 ms frames, paced to the lead, a mark per chunk, and clear reporting what was heard.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { decodeMuLaw } from '../../src/audio/index.js';
import { Playback, type ChunkReport } from '../../src/call/playback.js';

interface Sent {
  atMs: number;
  message: {
    event: string;
    streamSid: string;
    media?: { payload: string };
    mark?: { name: string };
  };
}

/**
 * Plays received frames at 20 ms each from the moment they arrive (plus `lagMs` of network),
 * and echoes a mark when everything before it has played, like Twilio's buffer.
 */
class Listener {
  readonly sent: Sent[] = [];
  readonly #queue: { kind: 'frame' | 'mark'; name?: string }[] = [];
  #playingUntilMs = 0;
  #timer: NodeJS.Timeout;

  constructor(
    private readonly playback: () => Playback,
    private readonly echoMarks = true,
  ) {
    this.#timer = setInterval(() => this.#play(), 2);
  }

  readonly send = (text: string): void => {
    const message = JSON.parse(text) as Sent['message'];
    this.sent.push({ atMs: performance.now(), message });

    if (message.event === 'media') this.#queue.push({ kind: 'frame' });
    if (message.event === 'mark')
      this.#queue.push({ kind: 'mark', name: message.mark?.name ?? '' });
    if (message.event === 'clear') this.#queue.length = 0;
  };

  #play(): void {
    const now = performance.now();
    while (this.#queue.length > 0 && this.#playingUntilMs <= now) {
      const item = this.#queue.shift();
      if (item?.kind === 'frame') this.#playingUntilMs = Math.max(this.#playingUntilMs, now) + 20;
      else if (item?.kind === 'mark' && this.echoMarks) this.playback().onMark(item.name ?? '');
    }
  }

  media(): Sent[] {
    return this.sent.filter((entry) => entry.message.event === 'media');
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

function tone(sampleRate: number, durationMs: number): Int16Array {
  const samples = new Int16Array((sampleRate * durationMs) / 1000);
  return samples.map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)));
}

describe('Playback', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function setup(options: { leadMs?: number; echoMarks?: boolean } = {}): {
    playback: Playback;
    listener: Listener;
  } {
    // The listener needs the playback (to echo marks) and the playback the listener's send.
    const holder: { playback?: Playback } = {};
    const listener = new Listener(() => holder.playback as Playback, options.echoMarks ?? true);
    const playback = new Playback({
      streamSid: 'MZ1',
      send: listener.send,
      leadMs: options.leadMs,
    });
    holder.playback = playback;
    cleanups.push(
      () => listener.close(),
      () => playback.close(),
    );
    return { playback, listener };
  }

  it('sends whole 160-byte frames at 8 kHz and a mark after each chunk', async () => {
    const { playback, listener } = setup({ leadMs: 1000 });

    const first = playback.enqueue(tone(24000, 110), 24000);
    const second = playback.enqueue(tone(8000, 50), 8000);
    await sleep(20);

    const events = listener.sent.map((entry) => entry.message.event);
    const media = listener.media();
    for (const entry of media) {
      assert.equal(entry.message.streamSid, 'MZ1');
      assert.equal(Buffer.from(entry.message.media?.payload ?? '', 'base64').length, 160);
    }

    // 110 ms at 24 kHz becomes 880+ samples at 8 kHz: 6 frames; 50 ms at 8 kHz: 3 frames.
    assert.deepEqual(events, [
      ...Array(6).fill('media'),
      'mark',
      ...Array(3).fill('media'),
      'mark',
    ]);
    const marks = listener.sent.filter((entry) => entry.message.event === 'mark');
    assert.deepEqual(
      marks.map((entry) => entry.message.mark?.name),
      [`chunk-${first}`, `chunk-${second}`],
    );

    const lastFrame = decodeMuLaw(
      Buffer.from(media.at(-1)?.message.media?.payload ?? '', 'base64'),
    );
    assert.ok(
      lastFrame.slice(80).every((sample) => sample === 0),
      'the short tail is padded',
    );
  });

  it('keeps only the lead ahead of the listener and does not drift', async (t) => {
    const { playback, listener } = setup({ leadMs: 100 });
    const startMs = performance.now();

    playback.enqueue(tone(16000, 2000), 16000);
    // 100 ms of lead is 5 frames; resampling 2 s of audio on a loaded machine can take longer
    // than a frame, and the pacing clock (rightly) counts that time as played.
    const sentAtOnce = listener.media().length;
    assert.ok(sentAtOnce >= 5 && sentAtOnce <= 6, `the lead goes out at once: ${sentAtOnce}`);
    await sleep(600);

    // An ideal player that starts each frame as soon as it has it and the previous one ended:
    // what it holds when a frame arrives must never exceed the lead.
    const media = listener.media();
    let playEndMs = 0;
    let worstAheadMs = 0;
    for (const entry of media) {
      worstAheadMs = Math.max(worstAheadMs, playEndMs - entry.atMs);
      playEndMs = Math.max(playEndMs, entry.atMs) + 20;
    }
    const lateStartMs = (sentAtOnce - 5) * 20;
    assert.ok(
      worstAheadMs <= 101 + lateStartMs,
      `held ${worstAheadMs.toFixed(1)} ms ahead (lead 100, started ${lateStartMs} ms late)`,
    );

    const elapsedMs = performance.now() - startMs;
    const expected = Math.floor((elapsedMs + 100) / 20);
    // A loaded machine may wake the timer late (fewer frames), never early (more).
    const behind = expected - media.length;
    assert.ok(behind >= -2 && behind <= 4, `${media.length} frames, ~${expected}`);
    t.diagnostic(`after ${elapsedMs.toFixed(0)} ms: ${media.length} frames sent`);
  });

  it('reports each chunk heard from its echoed mark, then idle', async () => {
    const { playback } = setup({ leadMs: 100 });
    const played: ChunkReport[] = [];
    playback.on('chunkPlayed', (chunk) => played.push(chunk));
    const idle = new Promise<void>((resolve) => playback.once('idle', resolve));

    const first = playback.enqueue(tone(8000, 100), 8000);
    const second = playback.enqueue(tone(8000, 60), 8000);
    assert.equal(playback.isPlaying, true);
    await idle;

    assert.deepEqual(played, [
      { id: first, durationMs: 100, playedMs: 100, confirmed: true },
      { id: second, durationMs: 60, playedMs: 60, confirmed: true },
    ]);
    assert.equal(playback.isPlaying, false);
  });

  it('clear sends clear, drops the unsent audio and reports the heard position', async () => {
    const { playback, listener } = setup({ leadMs: 100 });
    const first = playback.enqueue(tone(8000, 200), 8000);
    playback.enqueue(tone(8000, 1000), 8000);
    const third = playback.enqueue(tone(8000, 500), 8000);
    await sleep(450);

    const report = playback.clear();
    const sentBefore = listener.sent.length;
    await sleep(100);

    assert.equal(listener.sent.at(sentBefore - 1)?.message.event, 'clear');
    assert.equal(listener.sent.length, sentBefore, 'nothing is sent after clear');
    assert.ok(Math.abs(report.playedMs - 450) <= 60, `played ${report.playedMs} ms of ~450`);
    assert.equal(report.chunks.find((c) => c.id === third)?.playedMs, 0);
    assert.equal(
      report.chunks.some((c) => c.id === first),
      false,
      'the first was confirmed',
    );
    assert.equal(playback.isPlaying, false);
  });

  it('reports the heard position without any mark echo', async () => {
    const { playback } = setup({ leadMs: 100, echoMarks: false });
    playback.enqueue(tone(8000, 150), 8000);
    playback.enqueue(tone(8000, 1000), 8000);
    await sleep(300);

    const report = playback.clear();

    assert.ok(Math.abs(report.playedMs - 300) <= 60, `played ${report.playedMs} ms of ~300`);
    assert.equal(report.chunks[0]?.playedMs, 150);
    assert.equal(report.chunks[0]?.confirmed, false);
  });

  it('refuses bad input, naming the field', () => {
    const { playback } = setup();

    assert.throws(() => playback.enqueue(new Int16Array(10), 0), /sampleRate must be/);
    assert.throws(() => playback.enqueue(new Int16Array(0), 8000), /pcm must hold/);
    assert.throws(
      () => new Playback({ streamSid: 'MZ', send: () => undefined, leadMs: 5 }),
      /leadMs/,
    );
    playback.close();
    playback.close();
    assert.throws(() => playback.enqueue(new Int16Array(10), 8000), { code: 'PLAYBACK_CLOSED' });
  });
});
