// The pure parts of barge-in: what was heard of a cut sentence, the voiced-frame detector,
// and the media-clock timers that judge the false-interruption window.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BargeInDetector } from '../../src/conversation/barge-in.js';
import { heardPrefix } from '../../src/conversation/heard.js';
import { MediaClock } from '../../src/conversation/media-clock.js';

const voiced = { energyDb: -20, speech: false, voiced: true };
const quiet = { energyDb: -80, speech: false, voiced: false };

describe('heardPrefix', () => {
  const text = 'Home loans come with terms of up to thirty years.';

  it('keeps the words whose characters fall within the heard share', () => {
    assert.equal(heardPrefix(text, 1000, 500), 'Home loans come with');
    assert.equal(heardPrefix(text, 1000, 0), '');
    assert.equal(heardPrefix(text, 1000, 1000), text);
  });

  it('never cuts a word in half', () => {
    for (let playedMs = 0; playedMs <= 1000; playedMs += 37) {
      const heard = heardPrefix(text, 1000, playedMs);
      assert.ok(text.startsWith(heard));
      assert.ok(heard === '' || heard === text || text[heard.length] === ' ', heard);
    }
  });
});

describe('BargeInDetector', () => {
  it('fires once the voiced run reaches the minimum, with the onset time', () => {
    const detector = new BargeInDetector({ minSpeechMs: 100 });
    const frames = [quiet, voiced, voiced, voiced, voiced, voiced];
    const arrivals = [0, 20, 40, 60, 80, 100];

    assert.equal(detector.push(frames.slice(0, 5), arrivals.slice(0, 5)), undefined);
    assert.equal(detector.push(frames.slice(5), arrivals.slice(5)), 20);
  });

  it('forgets a short burst after a pause', () => {
    const detector = new BargeInDetector({ minSpeechMs: 100 });
    const burst = [voiced, voiced, voiced, quiet, quiet, quiet, quiet, quiet, quiet];
    const times = burst.map((_, i) => i * 20);

    assert.equal(detector.push(burst, times), undefined);
    assert.equal(detector.push([voiced, voiced], [200, 220]), undefined);
  });
});

describe('MediaClock', () => {
  it('runs timers when the media clock reaches them, and not after cancel', () => {
    const clock = new MediaClock();
    const ran: string[] = [];
    clock.after(100, () => ran.push('a'));
    const cancel = clock.after(60, () => ran.push('b'));
    clock.after(40, () => ran.push('c'));
    cancel();

    clock.advance(40);
    assert.deepEqual(ran, ['c']);
    clock.advance(120);
    assert.deepEqual(ran, ['c', 'a']);
  });
});
