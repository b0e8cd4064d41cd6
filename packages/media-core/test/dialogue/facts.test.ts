import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FactError, normaliseFact } from '../../src/dialogue/facts.js';
import { parseSpokenAmount } from '../../src/dialogue/number-words.js';

describe('spoken amounts', () => {
  const cases: [string, number][] = [
    ['25 lakh', 2_500_000],
    ['twenty five lakh', 2_500_000],
    ['About twenty five lakh rupees.', 2_500_000],
    ['2.5 crore', 25_000_000],
    ['two point five crore', 25_000_000],
    ['one crore twenty lakh', 12_000_000],
    ['two lakh fifty thousand', 250_000],
    ['25,00,000', 2_500_000],
    ['Rs. 45,000', 45_000],
    ['80k', 80_000],
    ['twenty five hundred', 2_500],
    ['पच्चीस लाख', 2_500_000],
    ['लगभग पच्चीस लाख रुपये।', 2_500_000],
    ['अस्सी हज़ार', 80_000],
    ['अस्सी हजार', 80_000],
    ['बारह हज़ार रुपये की किस्त', 12_000],
    ['साढ़े तीन लाख', 350_000],
    ['डेढ़ करोड़', 15_000_000],
    ['२५ लाख', 2_500_000],
  ];

  for (const [text, inr] of cases) {
    it(`"${text}" is ${inr} INR`, () => assert.equal(parseSpokenAmount(text), inr));
  }

  it('takes only the first number phrase, and none from words without numbers', () => {
    assert.equal(parseSpokenAmount('eighty thousand, and I pay twelve thousand'), 80_000);
    assert.equal(parseSpokenAmount('I need a home loan'), undefined);
  });
});

describe('facts', () => {
  it('normalises loan type, employment, city, yes/no and amounts in English and Hindi', () => {
    assert.equal(normaliseFact('loan_type', 'Housing loan'), 'home');
    assert.equal(normaliseFact('loan_type', 'होम लोन'), 'home');
    assert.equal(normaliseFact('loan_type', 'car'), 'vehicle');
    assert.equal(normaliseFact('employment_type', 'self-employed'), 'self_employed');
    assert.equal(normaliseFact('employment_type', 'नौकरी'), 'salaried');
    assert.equal(normaliseFact('city', 'navi mumbai.'), 'Navi Mumbai');
    assert.equal(normaliseFact('consent', 'हाँ'), true);
    assert.equal(normaliseFact('name_confirmed', 'no'), false);
    assert.equal(normaliseFact('amount_inr', 'twenty five lakh'), 2_500_000);
    assert.equal(normaliseFact('monthly_income_inr', 80000), 80_000);
    assert.equal(normaliseFact('existing_emi_inr', 'none'), 0);
    assert.equal(normaliseFact('existing_emi_inr', 0), 0);
  });

  it('refuses bad values with an error naming the fact and the rule', () => {
    const refused = (name: string, value: unknown, rule: RegExp): void => {
      assert.throws(
        () => normaliseFact(name, value),
        (error: unknown) =>
          error instanceof FactError &&
          error.code === 'DIALOGUE_BAD_FACT' &&
          error.message.startsWith(`${name}: `) &&
          rule.test(error.message),
      );
    };

    refused('loan_type', 'spaceship', /must be one of home, personal/);
    refused('amount_inr', 'a lot', /must be an amount in INR/);
    refused('amount_inr', 0, /from 1 to/);
    refused('monthly_income_inr', -5, /from 1 to/);
    refused('consent', 'maybe', /true or false/);
    refused('city', '12345', /place name/);
    refused('favourite_colour', 'blue', /unknown fact/);
  });
});
