import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startOpenAiEmulator, type OpenAiEmulator } from '../../src/openai/server.js';
import { newCall, turn, utterance } from './dialogue-harness.js';

const budget = { timeoutMs: 250, maxRetries: 2, retryBudgetMs: 2500 };

describe('loan dialogue when the LLM fails', () => {
  let emulator: OpenAiEmulator;

  before(async () => {
    emulator = await startOpenAiEmulator({ tokenDelayMs: 1 });
  });
  beforeEach(() => emulator.faults.clear());
  after(() => emulator.close());

  /** One caller turn under the fault; checks the apology and hand-off within the budget. */
  async function outage(
    fault: Parameters<OpenAiEmulator['faults']['inject']>[0],
    language = 'en-IN',
  ) {
    emulator.faults.inject(fault);
    const agent = newCall(emulator.baseUrl, language, budget);
    const before = emulator.stats.requests;
    const started = performance.now();

    const result = await turn(agent, await utterance(`${language}.loan-type`), language);
    const elapsedMs = performance.now() - started;

    assert.deepEqual(result.sentences, [agent.phrases.llmApology]);
    assert.deepEqual(result.done.next, { action: 'hand_off', reason: 'llm_failure' });
    assert.equal(agent.policy.outcome, 'handed_off');
    assert.ok(elapsedMs < budget.retryBudgetMs, `apology after ${Math.round(elapsedMs)} ms`);

    return { result, elapsedMs, requests: emulator.stats.requests - before };
  }

  it('a server outage: retries, then the apology (from the phrase file) and a hand-off', async () => {
    const { result, requests } = await outage({ kind: 'fail', code: 500, count: 10 });

    assert.equal(result.done.error?.code, 'LLM_SERVER');
    assert.equal(result.done.error?.retryable, true);
    assert.equal(result.done.error?.status, 500);
    assert.equal(requests, 3);
    assert.equal(result.done.timings.retries, 2);
  });

  it('a stalled provider: each attempt times out, and the call still ends in an apology in Hindi', async () => {
    const { result, elapsedMs } = await outage({ kind: 'stall', count: 10 }, 'hi-IN');

    assert.equal(result.done.error?.code, 'LLM_TIMEOUT');
    assert.match(result.sentences[0] ?? '', /माफ़ कीजिए/);
    assert.ok(elapsedMs >= 3 * budget.timeoutMs, 'three attempts were given their time');
  });

  it('a dropped connection counts as a connection failure', async () => {
    const { result } = await outage({ kind: 'drop', count: 10 });

    assert.equal(result.done.error?.code, 'LLM_CONNECTION');
  });

  it('a rejected key is not retried', async () => {
    const { result, requests } = await outage({ kind: 'auth', count: 1 });

    assert.equal(result.done.error?.code, 'LLM_AUTH');
    assert.equal(result.done.error?.retryable, false);
    assert.equal(requests, 1);
  });

  it('a stream that stalls after its first words is not retried, since the words would repeat', async () => {
    const slow = await startOpenAiEmulator({ tokenDelayMs: 20 });
    try {
      slow.faults.inject({ kind: 'stall', ms: 100, count: 10 });
      const agent = newCall(slow.baseUrl, 'en-IN', budget);

      const result = await turn(agent, await utterance('en-IN.greeting'), 'en-IN');

      assert.equal(result.done.error?.code, 'LLM_TIMEOUT');
      assert.equal(slow.stats.requests, 1);
      assert.notEqual(
        result.done.timings.firstTokenMs,
        undefined,
        'words had come before the stall',
      );
      assert.deepEqual(result.sentences, [agent.phrases.llmApology]);
    } finally {
      await slow.close();
    }
  });

  it('one rate-limited request is retried and the turn goes on normally', async () => {
    emulator.faults.inject({ kind: 'fail', code: 429, count: 1 });
    const agent = newCall(emulator.baseUrl, 'en-IN', budget);

    const result = await turn(agent, await utterance('en-IN.confirm-name'), 'en-IN');

    assert.equal(result.done.error, undefined);
    assert.equal(result.done.timings.retries, 1);
    assert.equal(agent.policy.facts.name_confirmed, true);
    assert.match(result.sentences.join(' '), /good time to talk/);
  });
});
