// Spoken amounts in Indian English, Hindi and Tamil to rupees: "25 lakh", "twenty five lakh",
// "2.5 crore", "25,00,000", "80k", "पच्चीस लाख", "साढ़े तीन लाख", "இருபத்தைந்து லட்சம்".
import { tamilMultipliers, tamilNumberWords } from './tamil-numbers.js';

const englishUnits: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

// Hindi has a distinct word for every number from 1 to 99, so they are listed in order.
const hindiOneToNinetyNine = [
  'एक दो तीन चार पांच छह सात आठ नौ दस',
  'ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस',
  'इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस',
  'इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस चालीस',
  'इकतालीस बयालीस तैंतालीस चौवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास पचास',
  'इक्यावन बावन तिरेपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ',
  'इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर सत्तर',
  'इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उनासी अस्सी',
  'इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी नब्बे',
  'इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे',
]
  .join(' ')
  .split(' ');

/** Words that multiply the number said before them. */
const multipliers: Record<string, number> = {
  hundred: 100,
  thousand: 1_000,
  k: 1_000,
  lakh: 100_000,
  lakhs: 100_000,
  lac: 100_000,
  lacs: 100_000,
  l: 100_000,
  million: 1_000_000,
  crore: 10_000_000,
  crores: 10_000_000,
  cr: 10_000_000,
  सौ: 100,
  हजार: 1_000,
  लाख: 100_000,
  करोड: 10_000_000,
  ...tamilMultipliers,
};

/** Hindi fractions said before a number or a multiplier. */
const hindiFractions: Record<string, { add?: number; value?: number }> = {
  डेढ: { value: 1.5 },
  ढाई: { value: 2.5 },
  साढे: { add: 0.5 },
  सवा: { add: 0.25 },
  पौने: { add: -0.25 },
};

const wordValues = new Map<string, number>(Object.entries(englishUnits));
hindiOneToNinetyNine.forEach((word, index) => wordValues.set(normaliseWord(word), index + 1));
wordValues.set('शून्य', 0);
wordValues.set('छः', 6);
wordValues.set('पन्द्रह', 15);
for (const [word, value] of tamilNumberWords) wordValues.set(normaliseWord(word), value);

/** Words allowed inside a number phrase without ending it. */
const connectors = new Set(['and', 'a', 'और']);

/**
 * Folds spelling variants of Hindi: drops the nukta (हज़ार → हजार, करोड़ → करोड) and writes
 * chandrabindu as anusvara (पाँच → पांच), as both are used interchangeably in speech transcripts.
 * Devanagari and Tamil digits become ASCII digits.
 */
export function normaliseWord(word: string): string {
  return word
    .normalize('NFC')
    .toLowerCase()
    .replace(/\u093c/g, '')
    .replace(/\u0901/g, '\u0902')
    .replace(/[\u0966-\u096f]/g, (digit) => String(digit.charCodeAt(0) - 0x0966))
    .replace(/[\u0be6-\u0bef]/g, (digit) => String(digit.charCodeAt(0) - 0x0be6));
}

/** Splits text into number-relevant tokens: digits (with a decimal part) and words. */
function tokens(text: string): string[] {
  const joined = normaliseWord(text).replace(/(\d),(?=\d)/g, '$1');

  return joined.match(/\d+(?:\.\d+)?|[\p{L}\p{M}]+/gu) ?? [];
}

/** Running state of one number phrase. */
interface Phrase {
  /** Sum of the parts already multiplied ("twenty lakh" in "twenty lakh fifty thousand"). */
  total: number;
  /** The part still waiting for a multiplier. */
  current: number;
  /** Whether any number word was seen. */
  started: boolean;
  /** A Hindi fraction to add to the next number (साढ़े तीन = 3.5). */
  pendingAdd: number;
  /** Digits after "point", when the phrase is in its decimal part. */
  decimals: string | undefined;
}

/**
 * The first amount said in `text`, in the units it names (rupees when none), or undefined when
 * it holds no number. Only the first contiguous number phrase counts, so "80 thousand, and I
 * pay 12 thousand" is 80000.
 */
export function parseSpokenAmount(text: string): number | undefined {
  const phrase: Phrase = {
    total: 0,
    current: 0,
    started: false,
    pendingAdd: 0,
    decimals: undefined,
  };

  for (const token of tokens(text)) {
    const consumed = step(phrase, token);
    if (!consumed && phrase.started) break;
  }

  if (!phrase.started) return undefined;

  return Math.round((phrase.total + valueOf(phrase)) * 100) / 100;
}

/** Applies one token; returns false when it is not part of a number phrase. */
function step(phrase: Phrase, token: string): boolean {
  const fraction = hindiFractions[token];
  if (fraction) return applyFraction(phrase, fraction);

  if (/^\d/.test(token)) return addNumber(phrase, Number(token));

  const multiplier = multipliers[token];
  if (multiplier !== undefined && phrase.started) return multiply(phrase, multiplier);

  if (token === 'point' && phrase.started) {
    phrase.decimals = '';
    return true;
  }

  const value = wordValues.get(token);
  if (value !== undefined) return addWord(phrase, value);

  return connectors.has(token) && phrase.started;
}

function applyFraction(phrase: Phrase, fraction: { add?: number; value?: number }): boolean {
  phrase.started = true;
  if (fraction.value !== undefined) phrase.current += fraction.value;
  else phrase.pendingAdd = fraction.add ?? 0;

  return true;
}

function addNumber(phrase: Phrase, value: number): boolean {
  phrase.started = true;
  phrase.current += value + phrase.pendingAdd;
  phrase.pendingAdd = 0;

  return true;
}

function addWord(phrase: Phrase, value: number): boolean {
  if (phrase.decimals !== undefined && value < 10) {
    phrase.decimals += String(value);
    return true;
  }

  return addNumber(phrase, value);
}

function multiply(phrase: Phrase, multiplier: number): boolean {
  const value = valueOf(phrase) || 1;
  phrase.decimals = undefined;

  // "hundred" scales only the part before it ("two hundred thousand" = 200 × 1000).
  if (multiplier === 100) {
    phrase.current = value * 100;
    return true;
  }

  phrase.total += value * multiplier;
  phrase.current = 0;

  return true;
}

function valueOf(phrase: Phrase): number {
  if (!phrase.decimals) return phrase.current;

  return phrase.current + Number(`0.${phrase.decimals}`);
}
