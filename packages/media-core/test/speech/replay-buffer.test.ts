import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayBuffer, type ReplayTarget } from '../../src/speech/replay-buffer.js';

function ramp(from: number, n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => (from + i) % 30000);
}

/** Records what a replay writes, as a recognizer would see it. */
class Recorder implements ReplayTarget {
  samples: number[] = [];
  events: string[] = [];
  write(pcm: Int16Array): void {
    this.samples.push(...pcm);
    this.events.push(`audio:${pcm.length}`);
  }
  speechStarted(): void {
    this.events.push(`start@${this.samples.length}`);
  }
  speechEnded(): void {
    this.events.push(`end@${this.samples.length}`);
  }
}

test('reads back exactly the samples appended since the last release', () => {
  const buf = new ReplayBuffer({ maxMs: 100, sampleRate: 16000 });

  buf.append(ramp(0, 500));
  buf.append(ramp(500, 700));
  buf.release(300);

  assert.equal(buf.startSample, 300);
  assert.deepEqual([...buf.read()], [...ramp(300, 900)]);
});

test('wraps around its ring without corrupting order, and counts overflow', () => {
  const buf = new ReplayBuffer({ maxMs: 10, sampleRate: 16000 }); // 160 samples

  for (let i = 0; i < 10; i++) buf.append(ramp(i * 50, 50));

  assert.equal(buf.length, 160);
  assert.equal(buf.overflowSamples, 500 - 160);
  assert.deepEqual([...buf.read()], [...ramp(340, 160)]);
});

test('replays VAD boundaries at their sample positions, in chunks', () => {
  const buf = new ReplayBuffer({ maxMs: 100, sampleRate: 16000 });
  const target = new Recorder();

  buf.append(ramp(0, 250));
  buf.mark('speechStart');
  buf.append(ramp(250, 300));
  buf.mark('speechEnd');
  buf.append(ramp(550, 50));
  buf.replayInto(target, 100);

  assert.deepEqual([...target.samples], [...ramp(0, 600)]);
  assert.deepEqual(target.events, [
    'audio:100',
    'audio:100',
    'audio:50',
    'start@250',
    'audio:100',
    'audio:100',
    'audio:100',
    'end@550',
    'audio:50',
  ]);
});

test('a release drops the boundaries before it', () => {
  const buf = new ReplayBuffer({ maxMs: 100, sampleRate: 16000 });

  buf.mark('speechStart');
  buf.append(ramp(0, 100));
  buf.mark('speechEnd');
  buf.release(50);

  assert.deepEqual(
    buf.marksFrom().map((m) => m.kind),
    ['speechEnd'],
  );
});

test('refuses a non-positive size, naming the field', () => {
  assert.throws(() => new ReplayBuffer({ maxMs: 0, sampleRate: 16000 }), /maxMs/);
});
