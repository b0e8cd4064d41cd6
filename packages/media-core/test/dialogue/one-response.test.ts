// The pieces that let a turn take one LLM request: the call state tells the model the order
// facts are asked in, and the agent knows when the policy overruled words already spoken.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factOrder } from '../../src/dialogue/facts.js';
import { dialogueTexts } from '../../src/dialogue/phrases.js';
import { DialoguePolicy } from '../../src/dialogue/policy.js';
import { callState } from '../../src/dialogue/prompt.js';
import { applyToolCall, wordsOverruled } from '../../src/dialogue/tools.js';

const nowMs = Date.parse('2025-06-01T10:00:00+05:30');

function newPolicy(): DialoguePolicy {
  return new DialoguePolicy({ leadName: 'Rahul Sharma', language: 'en-IN', now: () => nowMs });
}

function record(policy: DialoguePolicy, name: string, value: unknown) {
  const args = JSON.stringify({ name, value });
  return applyToolCall(policy, { id: 'call_1', name: 'record_fact', arguments: args });
}

describe('one request a turn', () => {
  it('the call state lists the fact order, so words can follow the facts being recorded', () => {
    const state = callState(newPolicy(), nowMs, 330);

    assert.match(state, new RegExp(`^order: ${factOrder.join(', ')}$`, 'm'));
    assert.match(state, /^next: ask name_confirmed$/m);
  });

  it('every prompt asks for the words and the tool calls in the same response', () => {
    for (const language of ['en-IN', 'hi-IN', 'ta-IN']) {
      const prompt = dialogueTexts(language).systemPrompt;
      assert.match(prompt, /`order`/, language);
      assert.match(prompt, /`details_confirmed`/, language);
      assert.match(prompt, /\{\{state\}\}/, language);
    }
  });

  it('accepted facts that lead to the next question leave the words standing', () => {
    const policy = newPolicy();
    const replies = [record(policy, 'name_confirmed', true), record(policy, 'consent', true)];

    assert.equal(wordsOverruled(replies, policy.next()), false);
    assert.deepEqual(policy.next(), { action: 'ask', fact: 'loan_type' });
  });

  it('a caller-chosen end or hand-off leaves the words standing', () => {
    const policy = newPolicy();
    const reply = applyToolCall(policy, {
      id: 'call_1',
      name: 'end_call',
      arguments: '{"outcome":"do_not_call"}',
    });
    assert.equal(wordsOverruled([reply], policy.next()), false);

    const other = newPolicy();
    const handOff = applyToolCall(other, { id: 'call_2', name: 'hand_off', arguments: '{}' });
    assert.equal(wordsOverruled([handOff], other.next()), false);
  });

  it('a refused value or a rule-decided outcome overrules the words', () => {
    const refused = newPolicy();
    const bad = record(refused, 'loan_type', 'spaceship');
    assert.equal(bad.ok, false);
    assert.equal(wordsOverruled([bad], refused.next()), true);

    const large = newPolicy();
    const amount = record(large, 'amount_inr', 100_000_000);
    assert.deepEqual(large.next(), { action: 'hand_off', reason: 'amount_above_limit' });
    assert.equal(wordsOverruled([amount], large.next()), true);

    const verdict = newPolicy();
    const facts: [string, unknown][] = [
      ['name_confirmed', true],
      ['consent', true],
      ['loan_type', 'home'],
      ['amount_inr', 2_500_000],
      ['monthly_income_inr', 80_000],
      ['employment_type', 'salaried'],
      ['city', 'Pune'],
      ['existing_emi_inr', 12_000],
    ];
    for (const [name, value] of facts) record(verdict, name, value);
    const confirmed = record(verdict, 'details_confirmed', true);
    assert.equal(verdict.next().action, 'end');
    assert.equal(wordsOverruled([confirmed], verdict.next()), true);
  });
});
