import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOpenAiEmulator, type OpenAiEmulator } from '../../src/openai/server.js';
import { assertValidHistory, newCall, scriptTurns, turn, utterance } from './dialogue-harness.js';

const devanagari = /[\u0900-\u097f]/;
const tamilScript = /[\u0b80-\u0bff]/;

/** Whether a reply is written in the script of `language` (and en-IN in neither). */
function inScriptOf(sentence: string, language: string): boolean {
  if (language === 'hi-IN') return devanagari.test(sentence) && !tamilScript.test(sentence);
  if (language === 'ta-IN') return tamilScript.test(sentence) && !devanagari.test(sentence);

  return !devanagari.test(sentence) && !tamilScript.test(sentence);
}

describe('loan dialogue against the openai emulator (real SDK, real socket)', () => {
  let emulator: OpenAiEmulator;

  before(async () => {
    emulator = await startOpenAiEmulator({ tokenDelayMs: 1 });
  });
  after(() => emulator.close());

  for (const name of [
    'loan-en-IN',
    'loan-hi-IN',
    'loan-ta-IN',
    'do-not-call-en-IN',
    'handoff-dtmf',
  ]) {
    it(`fixture script ${name} reaches its expected outcome`, async () => {
      const script = await scriptTurns(name);
      const agent = newCall(emulator.baseUrl, script.language);
      agent.opening();

      for (const said of script.turns) {
        if (said.startsWith('dtmf:')) {
          agent.policy.onDtmf(said.slice('dtmf:'.length));
          continue;
        }

        const result = await turn(agent, said, script.language);
        assert.ok(result.sentences.length > 0, `the bot answers "${said}"`);
        const inLanguage = result.sentences.every((sentence) => {
          return inScriptOf(sentence, script.language);
        });
        assert.ok(inLanguage, `reply language for "${said}": ${result.sentences.join(' | ')}`);
      }

      assert.equal(agent.policy.outcome, script.outcome);
    });
  }

  it('the en-IN and hi-IN conversations collect the same facts, one request a turn', async () => {
    const expected = {
      name_confirmed: true,
      consent: true,
      loan_type: 'home',
      amount_inr: 2_500_000,
      monthly_income_inr: 80_000,
      employment_type: 'salaried',
      existing_emi_inr: 12_000,
      details_confirmed: true,
    };

    for (const [name, city] of [
      ['loan-en-IN', 'Pune'],
      ['loan-hi-IN', 'पुणे'],
    ] as const) {
      const script = await scriptTurns(name);
      const agent = newCall(emulator.baseUrl, script.language);
      const requests: number[] = [];
      for (const said of script.turns) {
        const before = emulator.requests.length;
        const result = await turn(agent, said, script.language);
        assert.equal(result.done.timings.requests, emulator.requests.length - before);
        requests.push(result.done.timings.requests);
      }

      assert.deepEqual(agent.policy.facts, { ...expected, city });
      assert.equal(agent.policy.qualification?.qualified, true);
      // Every turn is one request but the read-back's confirmation, whose verdict comes from
      // the rules: its tool call goes alone, the words follow the tool result.
      assert.deepEqual(requests, [...script.turns.map(() => 1).slice(1), 2], name);
      assertValidHistory(agent.history);
    }
  });

  it('the ta-IN caller gives the first facts in Tamil, then gets the call-back time asked for', async () => {
    const script = await scriptTurns('loan-ta-IN');
    const agent = newCall(emulator.baseUrl, script.language);
    const replies: string[] = [];
    let last: Awaited<ReturnType<typeof turn>> | undefined;
    for (const said of script.turns) {
      last = await turn(agent, said, script.language);
      replies.push(...last.sentences);
    }

    assert.deepEqual(agent.policy.facts, {
      name_confirmed: true,
      consent: true,
      loan_type: 'home',
      amount_inr: 2_500_000,
      monthly_income_inr: 80_000,
    });
    assert.equal(agent.policy.outcome, 'callback');
    assert.deepEqual(last?.done.next, {
      action: 'end',
      outcome: 'callback',
      callbackAt: '2025-06-02T17:00:00+05:30',
    });
    assert.match(last?.sentences.join(' ') ?? '', /நாளை மாலை 5 மணிக்கு/);
    assert.ok(
      replies.every((reply) => tamilScript.test(reply)),
      replies.join(' | '),
    );
    const system =
      (emulator.requests.at(-1)?.body.messages as { content: string }[])[0]?.content ?? '';
    assert.match(system, /^language: ta-IN \(Tamil\)/m);
    assertValidHistory(agent.history);
  });

  it('a Tamil caller who asks for a person is handed off; one who refuses calls is not called', async () => {
    const human = newCall(emulator.baseUrl, 'ta-IN');
    await turn(human, await utterance('ta-IN.confirm-name'), 'ta-IN');
    const handedOff = await turn(human, await utterance('ta-IN.human'), 'ta-IN');

    assert.deepEqual(handedOff.done.next, { action: 'hand_off', reason: 'caller_asked' });
    assert.match(handedOff.sentences.join(' '), /கடன் அதிகாரியுடன் இணைக்கிறேன்/);

    const refusing = newCall(emulator.baseUrl, 'ta-IN');
    const ended = await turn(refusing, await utterance('ta-IN.do-not-call'), 'ta-IN');

    assert.equal(refusing.policy.outcome, 'do_not_call');
    assert.ok(ended.sentences.every((sentence) => tamilScript.test(sentence)));
  });

  it('a fact-recording turn is one request: its words stream, then its tool calls apply', async () => {
    const agent = newCall(emulator.baseUrl, 'en-IN');
    await turn(agent, await utterance('en-IN.confirm-name'), 'en-IN');
    await turn(agent, await utterance('en-IN.consent'), 'en-IN');
    const before = emulator.requests.length;

    const result = await turn(agent, await utterance('en-IN.loan-type'), 'en-IN');

    assert.equal(emulator.requests.length - before, 1);
    assert.equal(result.done.timings.requests, 1);
    assert.deepEqual(
      result.tools.map((tool) => [tool.name, JSON.parse(tool.arguments), tool.reply.ok]),
      [['record_fact', { name: 'loan_type', value: 'home' }, true]],
    );
    assert.equal(agent.policy.facts.loan_type, 'home');
    assert.deepEqual(result.done.next, { action: 'ask', fact: 'amount_inr' });
    assert.match(result.sentences.at(-1) ?? '', /How much/);

    const reply = agent.history.at(-2);
    assert.equal(reply?.role, 'assistant');
    assert.match(String(reply.content), /^A home loan is a good choice\..*How much/);
    assert.equal(reply.tool_calls?.length, 1);
    assertValidHistory(agent.history);
  });

  it('tool calls without words get a follow-up request that speaks the tool result', async () => {
    const script = await scriptTurns('loan-en-IN');
    const agent = newCall(emulator.baseUrl, 'en-IN');
    for (const said of script.turns.slice(0, -1)) await turn(agent, said, 'en-IN');
    const before = emulator.requests.length;

    const result = await turn(agent, script.turns.at(-1) ?? '', 'en-IN');

    assert.equal(emulator.requests.length - before, 2);
    assert.deepEqual(
      result.tools.map((tool) => JSON.parse(tool.arguments) as unknown),
      [{ name: 'details_confirmed', value: true }],
    );
    assert.deepEqual(result.done.next, { action: 'end', outcome: 'qualified' });
    assert.match(result.sentences.join(' '), /pre-qualify for a home loan/);
    const first = emulator.requests.at(-2)?.body.messages as { role: string }[];
    assert.equal(first.at(-1)?.role, 'user');
    assertValidHistory(agent.history);
  });

  it('a consumer that stops at the first tool event still leaves every call answered', async () => {
    const agent = newCall(emulator.baseUrl, 'en-IN');
    for (const id of ['confirm-name', 'consent', 'loan-type']) {
      await turn(agent, await utterance(`en-IN.${id}`), 'en-IN');
    }

    const events = agent.respond({ text: 'A home loan of twenty five lakh.', language: 'en-IN' });
    for await (const event of events) if (event.type === 'tool') break;

    assert.equal(agent.history.at(-1)?.role, 'tool');
    assert.equal(agent.policy.facts.amount_inr, 2_500_000);
    assertValidHistory(agent.history);
  });

  it('words the policy overrules (an amount above the hand-off limit) are followed by the right ones', async () => {
    const agent = newCall(emulator.baseUrl, 'en-IN');
    for (const id of ['confirm-name', 'consent', 'loan-type']) {
      await turn(agent, await utterance(`en-IN.${id}`), 'en-IN');
    }

    const result = await turn(agent, 'Ten crore rupees.', 'en-IN');

    assert.equal(result.done.timings.requests, 2);
    assert.match(result.sentences.join(' '), /monthly income.*connecting you to a loan officer/);
    assert.deepEqual(result.done.next, { action: 'hand_off', reason: 'amount_above_limit' });
    assertValidHistory(agent.history);
  });

  it('follows a switch to Hindi in the middle of the call', async () => {
    const agent = newCall(emulator.baseUrl, 'en-IN');
    for (const id of ['confirm-name', 'consent', 'loan-type']) {
      const english = await turn(agent, await utterance(`en-IN.${id}`), 'en-IN');
      assert.ok(!english.sentences.some((sentence) => devanagari.test(sentence)));
    }

    const hindi = await turn(agent, await utterance('hi-IN.amount'), 'hi-IN');

    assert.equal(agent.policy.facts.amount_inr, 2_500_000);
    assert.ok(hindi.sentences.length > 0);
    assert.ok(
      hindi.sentences.every((sentence) => devanagari.test(sentence)),
      hindi.sentences.join(' | '),
    );
    const system =
      (emulator.requests.at(-1)?.body.messages as { content: string }[])[0]?.content ?? '';
    assert.match(system, /^language: hi-IN/m);
  });

  it('a caller who asks for a person is handed off; a call-back gets the time asked for', async () => {
    const human = newCall(emulator.baseUrl, 'en-IN');
    await turn(human, await utterance('en-IN.confirm-name'), 'en-IN');
    const handedOff = await turn(human, await utterance('en-IN.human'), 'en-IN');

    assert.deepEqual(handedOff.done.next, { action: 'hand_off', reason: 'caller_asked' });
    assert.match(handedOff.sentences.join(' '), /connecting you/);

    for (const [id, language] of [
      ['en-IN.callback', 'en-IN'],
      ['hi-IN.callback', 'hi-IN'],
      ['ta-IN.callback', 'ta-IN'],
    ] as const) {
      const later = newCall(emulator.baseUrl, language);
      const result = await turn(later, await utterance(id), language);

      assert.deepEqual(result.done.next, {
        action: 'end',
        outcome: 'callback',
        callbackAt: '2025-06-02T17:00:00+05:30',
      });
    }
  });

  it('streams the first sentence well before the reply is finished', async () => {
    const slow = await startOpenAiEmulator({ tokenDelayMs: 15 });
    try {
      const agent = newCall(slow.baseUrl, 'en-IN');
      await turn(agent, await utterance('en-IN.confirm-name'), 'en-IN');
      await turn(agent, await utterance('en-IN.consent'), 'en-IN');
      const started = performance.now();
      const result = await turn(agent, await utterance('en-IN.loan-type'), 'en-IN');
      const finished = performance.now();

      assert.equal(result.sentences.length, 3);
      const firstAt = (result.sentenceTimes[0] ?? 0) - started;
      // The other two sentences are 13 words, at 15 ms a word.
      assert.ok(finished - started - firstAt >= 13 * 15 * 0.8, `first sentence at ${firstAt} ms`);
      assert.ok(
        (result.done.timings.firstTokenMs ?? Infinity) < (result.done.timings.firstSentenceMs ?? 0),
      );
    } finally {
      await slow.close();
    }
  });

  it('a barge-in cancels the stream, and the history keeps only what the caller heard', async () => {
    const slow = await startOpenAiEmulator({ tokenDelayMs: 20 });
    try {
      const agent = newCall(slow.baseUrl, 'en-IN');
      await turn(agent, await utterance('en-IN.confirm-name'), 'en-IN');
      await turn(agent, await utterance('en-IN.consent'), 'en-IN');

      const bargeIn = new AbortController();
      const cut = await turn(agent, await utterance('en-IN.loan-type'), 'en-IN', {
        signal: bargeIn.signal,
        onSentence: () => bargeIn.abort(),
      });
      assert.equal(cut.done.cancelled, true);
      assert.deepEqual(cut.sentences, ['A home loan is a good choice.']);
      // The tool calls come after the words, so the cut dropped them; the caller's message
      // stays in the history, and the next response records its fact.
      assert.equal(agent.policy.facts.loan_type, undefined);

      agent.truncateLastAssistant('A home loan is');
      await turn(agent, await utterance('en-IN.amount'), 'en-IN');

      const sent = slow.requests.at(-1)?.body.messages as {
        role: string;
        content: string | null;
      }[];
      const lastUser = sent.map((message) => message.role).lastIndexOf('user');
      const heard = sent
        .slice(0, lastUser)
        .filter((message) => message.role === 'assistant' && message.content);
      assert.equal(heard.at(-1)?.content, 'A home loan is');
      assert.equal(agent.policy.facts.amount_inr, 2_500_000);
      assert.equal(agent.policy.facts.loan_type, 'home');
      assertValidHistory(agent.history);
    } finally {
      await slow.close();
    }
  });
});
