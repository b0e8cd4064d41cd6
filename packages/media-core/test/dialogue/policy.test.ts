import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialogueTexts, fillPhrase } from '../../src/dialogue/phrases.js';
import { DialoguePolicy, type PolicyOptions } from '../../src/dialogue/policy.js';
import { callState } from '../../src/dialogue/prompt.js';
import {
  assessQualification,
  QualificationConfigError,
  qualificationRules,
} from '../../src/dialogue/qualification.js';

const now = Date.parse('2025-06-01T10:00:00+05:30');

function policy(options: Partial<PolicyOptions> = {}): DialoguePolicy {
  return new DialoguePolicy({
    leadName: 'Rahul Sharma',
    language: 'en-IN',
    now: () => now,
    ...options,
  });
}

/** Records every fact of the fixture caller except the read-back confirmation. */
function collect(target: DialoguePolicy, overrides: Record<string, unknown> = {}): void {
  const facts: Record<string, unknown> = {
    name_confirmed: true,
    consent: true,
    loan_type: 'home',
    amount_inr: 'twenty five lakh',
    monthly_income_inr: 'eighty thousand',
    employment_type: 'salaried',
    city: 'Pune',
    existing_emi_inr: 'twelve thousand',
    ...overrides,
  };
  for (const [name, value] of Object.entries(facts)) {
    assert.equal(target.recordFact(name, value).ok, true, name);
  }
}

describe('dialogue policy', () => {
  it('asks for each fact in order, then for the read-back, then ends qualified', () => {
    const call = policy();
    const asked: string[] = [];
    const answers: [string, unknown][] = [
      ['name_confirmed', true],
      ['consent', true],
      ['loan_type', 'home'],
      ['amount_inr', '25 lakh'],
      ['monthly_income_inr', 80000],
      ['employment_type', 'salaried'],
      ['city', 'Pune'],
      ['existing_emi_inr', 12000],
    ];

    for (const [name, value] of answers) {
      const step = call.next();
      asked.push(step.action === 'ask' ? step.fact : step.action);
      call.recordFact(name, value);
    }

    assert.deepEqual(
      asked,
      answers.map(([name]) => name),
    );
    assert.deepEqual(call.next(), { action: 'confirm' });
    assert.deepEqual(call.recordFact('details_confirmed', true).next, {
      action: 'end',
      outcome: 'qualified',
    });
    assert.equal(call.outcome, 'qualified');
    assert.equal(call.qualification?.foir, 0.15);
  });

  it('applies the qualification rules from configuration', () => {
    const strict = policy({ rules: { minMonthlyIncomeInr: { home: 100_000 }, maxFoir: 0.1 } });
    collect(strict);
    strict.recordFact('details_confirmed', true);

    assert.equal(strict.outcome, 'not_qualified');
    assert.deepEqual(strict.qualification?.reasons, ['income_below_minimum', 'foir_above_maximum']);

    const rules = qualificationRules();
    const facts = {
      loan_type: 'personal',
      amount_inr: 1_000_000,
      monthly_income_inr: 80_000,
      existing_emi_inr: 0,
    } as const;
    assert.deepEqual(assessQualification(facts, rules).reasons, ['amount_above_limit']);
    assert.throws(() => qualificationRules({ maxFoir: 2 }), QualificationConfigError);
    assert.throws(
      () => qualificationRules({ maxFoir: 2 }),
      /^QualificationConfigError|maxFoir: must be a number from 0 to 1/,
    );
  });

  it('a "no" at the read-back asks again after the correction', () => {
    const call = policy();
    collect(call);

    assert.deepEqual(call.recordFact('details_confirmed', false).next, { action: 'confirm' });
    call.recordFact('city', 'Nagpur');
    call.recordFact('details_confirmed', true);

    assert.equal(call.facts.city, 'Nagpur');
    assert.equal(call.outcome, 'qualified');
  });

  it('hands off after repeated low recognition confidence, with the threshold and count configured', () => {
    const call = policy({ lowConfidence: { threshold: 0.6, count: 3 } });

    assert.deepEqual(call.onCallerTurn({ text: 'mumble', confidence: 0.3 }), { action: 'repeat' });
    assert.deepEqual(call.onCallerTurn({ text: 'mumble', confidence: 0.5 }), { action: 'repeat' });
    assert.deepEqual(call.onCallerTurn({ text: 'yes', confidence: 0.9 }), {
      action: 'ask',
      fact: 'name_confirmed',
    });
    call.onCallerTurn({ text: 'mumble', confidence: 0.2 });
    call.onCallerTurn({ text: 'mumble', confidence: 0.2 });

    assert.deepEqual(call.onCallerTurn({ text: 'mumble', confidence: 0.2 }), {
      action: 'hand_off',
      reason: 'low_confidence',
    });
    assert.equal(call.outcome, 'handed_off');
  });

  it('do-not-call and not-interested end the call; nothing is recorded after the end', () => {
    const refusing = policy();
    assert.deepEqual(refusing.endCall('do_not_call').next, {
      action: 'end',
      outcome: 'do_not_call',
    });
    assert.equal(refusing.recordFact('city', 'Pune').ok, false);
    assert.equal(refusing.outcome, 'do_not_call');

    const declining = policy();
    declining.recordFact('name_confirmed', true);
    declining.recordFact('consent', false);
    assert.equal(declining.outcome, 'not_interested');
  });

  it('qualification cannot be claimed by the LLM through end_call', () => {
    const call = policy();
    const reply = call.endCall('qualified');

    assert.equal(reply.ok, false);
    assert.match(
      reply.error ?? '',
      /^outcome: must be one of do_not_call, not_interested, callback/,
    );
    assert.equal(call.ended, false);
  });

  it('a call-back needs a future time with an offset', () => {
    const call = policy();

    assert.match(call.scheduleCallback('tomorrow 5pm').error ?? '', /^at: must be an ISO 8601/);
    assert.match(call.scheduleCallback('2025-05-31T17:00:00+05:30').error ?? '', /future/);
    assert.equal(call.scheduleCallback('2025-06-02T17:00:00+05:30').ok, true);
    assert.deepEqual(call.next(), {
      action: 'end',
      outcome: 'callback',
      callbackAt: '2025-06-02T17:00:00+05:30',
    });
  });

  it('hands off on DTMF 0 at any time, and an amount above the limit', () => {
    const dtmf = policy();
    dtmf.recordFact('name_confirmed', true);
    assert.deepEqual(dtmf.onDtmf('0'), { action: 'hand_off', reason: 'dtmf' });

    const large = policy();
    assert.deepEqual(large.recordFact('amount_inr', '10 crore').next, {
      action: 'hand_off',
      reason: 'amount_above_limit',
    });
  });

  it('DTMF 1 and 2 answer a yes/no question; other digits are ignored', () => {
    const call = policy();

    assert.deepEqual(call.onDtmf('1'), { action: 'ask', fact: 'consent' });
    assert.equal(call.onDtmf('7'), undefined);
    assert.deepEqual(call.onDtmf('2'), { action: 'end', outcome: 'not_interested' });
  });

  it('follows a switch to a supported language and ignores others', () => {
    const call = policy();
    call.onCallerTurn({ text: 'हाँ', language: 'hi-IN' });
    assert.equal(call.language, 'hi-IN');

    call.onCallerTurn({ text: 'ঠিক আছে', language: 'bn-IN' });
    assert.equal(call.language, 'hi-IN');
    assert.match(
      callState(call, now, 330),
      /^language: hi-IN \(Hindi\)\nnow: 2025-06-01T10:00:00\+05:30\n/,
    );
  });
});

describe('phrases and prompts', () => {
  it('load from the package files for en-IN and hi-IN, with the disclosure in the opening', () => {
    const values = { agentName: 'Asha', lenderName: 'Example Finance', leadName: 'Rahul Sharma' };
    const english = fillPhrase(dialogueTexts('en-IN').phrases.opening, values);
    const hindi = fillPhrase(dialogueTexts('hi-IN').phrases.opening, values);

    assert.match(english, /AI assistant.*recorded.*Rahul Sharma\?$/);
    assert.match(hindi, /AI सहायक.*रिकॉर्ड.*Rahul Sharma जी से हो रही है\?$/);
    assert.match(dialogueTexts('hi-IN').systemPrompt, /\{\{state\}\}/);
  });

  it('load ta-IN in Tamil script, with the AI and recording disclosure in the opening', () => {
    const values = { agentName: 'Asha', lenderName: 'Example Finance', leadName: 'Rahul Sharma' };
    const tamil = dialogueTexts('ta-IN');
    const opening = fillPhrase(tamil.phrases.opening, values);

    assert.equal(tamil.phrases.language, 'ta-IN');
    assert.match(opening, /AI உதவியாளர்.*பதிவு செய்யப்படுகிறது.*Rahul Sharma அவர்களிடம்/);
    for (const text of Object.values(tamil.phrases)) {
      assert.ok(text === 'ta-IN' || /[\u0B80-\u0BFF]/.test(text), text);
    }
    assert.match(tamil.systemPrompt, /\{\{state\}\}/);
  });

  it('a caller switching to Tamil is answered in Tamil', () => {
    const call = policy();
    call.onCallerTurn({ text: 'சரி', language: 'ta-IN' });

    assert.equal(call.language, 'ta-IN');
    assert.match(callState(call, now, 330), /^language: ta-IN \(Tamil\)\n/);
  });

  it('fall back to en-IN for a language without files', () => {
    assert.equal(dialogueTexts('bn-IN').phrases.language, 'en-IN');
  });
});
