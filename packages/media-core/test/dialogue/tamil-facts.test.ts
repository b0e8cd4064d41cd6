import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FactError, normaliseFact } from '../../src/dialogue/facts.js';
import { parseSpokenAmount } from '../../src/dialogue/number-words.js';
import { fuseTamil } from '../../src/dialogue/tamil-numbers.js';

describe('spoken amounts in Tamil', () => {
  const cases: [string, number][] = [
    ['சுமார் இருபத்தைந்து லட்சம் ரூபாய்.', 2_500_000],
    ['இருபத்து ஐந்து லட்சம்', 2_500_000],
    ['என் மாத வருமானம் எண்பதாயிரம் ரூபாய்.', 80_000],
    ['எண்பது ஆயிரம்', 80_000],
    ['பன்னிரண்டாயிரம் ரூபாய் தவணை', 12_000],
    ['இரண்டு லட்சத்து ஐம்பதாயிரம்', 250_000],
    ['இரண்டரை லட்சம்', 250_000],
    ['ஒன்றரை கோடி', 15_000_000],
    ['அரை லட்சம்', 50_000],
    ['ஐயாயிரம்', 5_000],
    ['நூற்று ஐம்பது', 150],
    ['தொண்ணூற்றொன்பது', 99],
    ['௨௫ லட்சம்', 2_500_000],
    ['25 லட்சம்', 2_500_000],
  ];

  for (const [text, inr] of cases) {
    it(`"${text}" is ${inr} INR`, () => assert.equal(parseSpokenAmount(text), inr));
  }

  it('fuses a vowel-initial word onto the one before, as Tamil writes it', () => {
    assert.equal(fuseTamil('இருபத்து', 'ஐந்து'), 'இருபத்தைந்து');
    assert.equal(fuseTamil('எண்பது', 'ஆயிரம்'), 'எண்பதாயிரம்');
    assert.equal(fuseTamil('இருபத்து', 'மூன்று'), 'இருபத்துமூன்று');
  });

  it('finds no amount in Tamil words without numbers', () => {
    assert.equal(parseSpokenAmount('எனக்கு வீட்டுக் கடன் வேண்டும்.'), undefined);
  });
});

describe('facts said in Tamil', () => {
  it('reads yes and no', () => {
    assert.equal(normaliseFact('consent', 'சரி'), true);
    assert.equal(normaliseFact('name_confirmed', 'ஆமாம்.'), true);
    assert.equal(normaliseFact('details_confirmed', 'இல்லை'), false);
    assert.throws(() => normaliseFact('consent', 'வணக்கம்'), FactError);
  });

  it('reads loan types through their case endings', () => {
    assert.equal(normaliseFact('loan_type', 'எனக்கு வீட்டுக் கடன் வேண்டும்'), 'home');
    assert.equal(normaliseFact('loan_type', 'தனிநபர் கடன்'), 'personal');
    assert.equal(normaliseFact('loan_type', 'கார் லோன்'), 'vehicle');
    assert.equal(normaliseFact('loan_type', 'தங்க நகைக் கடன்'), 'gold');
    assert.throws(() => normaliseFact('loan_type', 'கடன்'), /loan_type: must be one of/);
  });

  it('reads amounts, no EMI, employment and a city', () => {
    assert.equal(normaliseFact('amount_inr', 'இருபத்தைந்து லட்சம்'), 2_500_000);
    assert.equal(normaliseFact('monthly_income_inr', 'எண்பதாயிரம் ரூபாய்'), 80_000);
    assert.equal(normaliseFact('existing_emi_inr', 'இல்லை'), 0);
    assert.equal(normaliseFact('existing_emi_inr', 'எதுவும் இல்லை'), 0);
    assert.equal(normaliseFact('employment_type', 'மாதச் சம்பளம் வாங்குகிறேன்'), 'salaried');
    assert.equal(normaliseFact('employment_type', 'சொந்த தொழில் செய்கிறேன்'), 'self_employed');
    assert.equal(normaliseFact('employment_type', 'இப்போது வேலை இல்லை'), 'unemployed');
    assert.equal(normaliseFact('employment_type', 'ஓய்வு பெற்றவர்'), 'retired');
    assert.equal(normaliseFact('city', 'சென்னை.'), 'சென்னை');
  });
});
