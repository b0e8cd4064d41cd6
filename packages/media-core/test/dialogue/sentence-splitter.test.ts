import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SentenceSplitter, splitSentences } from '../../src/dialogue/sentence-splitter.js';

/** The grammar alone: no short sentence is held back for the next. */
const grammarOnly = { minChars: 0 };

/** Feeds `text` in pieces of `size` characters, as an LLM stream would. */
function streamed(text: string, size: number): { sentences: string[]; whenDone: number[] } {
  const splitter = new SentenceSplitter(grammarOnly);
  const sentences: string[] = [];
  const whenDone: number[] = [];

  for (let at = 0; at < text.length; at += size) {
    for (const sentence of splitter.push(text.slice(at, at + size))) {
      sentences.push(sentence);
      whenDone.push(at + size);
    }
  }
  sentences.push(...splitter.flush());

  return { sentences, whenDone };
}

describe('sentence splitter', () => {
  it('splits English and Hindi on . ? ! and the danda', () => {
    const text = 'Hello Rahul. Is this a good time? Great! नमस्ते। क्या आप तैयार हैं? हाँ।';

    assert.deepEqual(splitSentences(text, grammarOnly), [
      'Hello Rahul.',
      'Is this a good time?',
      'Great!',
      'नमस्ते।',
      'क्या आप तैयार हैं?',
      'हाँ।',
    ]);
  });

  it('keeps abbreviations, decimals, initials and "No. 5" inside their sentence', () => {
    const text =
      'Mr. Sharma wants Rs. 2.5 lakh, i.e. 250000 rupees. Dr. A. K. Rao called at 5 p.m. today. Flat No. 5 is his. I said no. Fine.';

    assert.deepEqual(splitSentences(text, grammarOnly), [
      'Mr. Sharma wants Rs. 2.5 lakh, i.e. 250000 rupees.',
      'Dr. A. K. Rao called at 5 p.m. today.',
      'Flat No. 5 is his.',
      'I said no.',
      'Fine.',
    ]);
  });

  it('gives the same sentences whatever the delta size, one character included', () => {
    const text = 'It is 2.5 crore. Mr. Sharma, right? मुझे ₹25 लाख चाहिए। "Really?" he asked. Yes…';
    const whole = splitSentences(text, grammarOnly);

    for (const size of [1, 2, 3, 7, 50]) assert.deepEqual(streamed(text, size).sentences, whole);
    assert.deepEqual(whole.slice(0, 4), [
      'It is 2.5 crore.',
      'Mr. Sharma, right?',
      'मुझे ₹25 लाख चाहिए।',
      '"Really?" he asked.',
    ]);
  });

  it('emits a sentence as soon as the first letter after it shows it ended, long before the stream ends', () => {
    const text = 'First one. Second one is much longer and keeps going for a while before it ends.';
    const { sentences, whenDone } = streamed(text, 1);

    assert.equal(sentences[0], 'First one.');
    assert.equal(whenDone[0], 'First one. S'.length);
  });

  it('holds a short opening sentence and speaks it with the next, so playback does not stall', () => {
    const splitter = new SentenceSplitter();

    assert.deepEqual(splitter.push('Great. What kind of loan'), []);
    assert.deepEqual(splitter.push(' are you looking for? Home'), [
      'Great. What kind of loan are you looking for?',
    ]);
    assert.deepEqual(splitter.flush(), ['Home']);
    assert.deepEqual(splitSentences('Thank you. Bye.'), ['Thank you. Bye.']);
    assert.deepEqual(splitSentences('Thank you for your time. Bye.'), [
      'Thank you for your time.',
      'Bye.',
    ]);
    assert.throws(() => new SentenceSplitter({ minChars: 300 }), /minChars/);
  });

  it('waits on "2." until the next delta says whether it is a decimal', () => {
    const splitter = new SentenceSplitter();

    assert.deepEqual(splitter.push('The rate is 2.'), []);
    assert.deepEqual(splitter.push('5 percent. Next'), ['The rate is 2.5 percent.']);
    assert.deepEqual(splitter.flush(), ['Next']);
  });

  it('cuts a run-on sentence at a comma once it passes maxChars', () => {
    const splitter = new SentenceSplitter({ maxChars: 40 });
    const out = splitter.push('one two three four five six, seven eight nine ten eleven twelve ');

    assert.deepEqual(out, ['one two three four five six,']);
    assert.ok(splitter.flush()[0]?.startsWith('seven'));
  });

  it('drops the buffer on reset (a cancelled turn) and rejects a tiny maxChars', () => {
    const splitter = new SentenceSplitter();
    splitter.push('half a sente');
    splitter.reset();

    assert.deepEqual(splitter.flush(), []);
    assert.throws(() => new SentenceSplitter({ maxChars: 5 }), /maxChars/);
  });
});
