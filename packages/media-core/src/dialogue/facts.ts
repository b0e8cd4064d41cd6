// The facts a loan call collects, and the checks that turn what the LLM recorded into them.
import { normaliseWord, parseSpokenAmount } from './number-words.js';

/** Kinds of loan the lender offers. */
export const loanTypes = ['home', 'personal', 'business', 'vehicle', 'gold'] as const;
/** A kind of loan. */
export type LoanType = (typeof loanTypes)[number];

/** How the caller earns a living. */
export const employmentTypes = [
  'salaried',
  'self_employed',
  'business_owner',
  'professional',
  'retired',
  'unemployed',
] as const;
/** An employment type. */
export type EmploymentType = (typeof employmentTypes)[number];

/** What the call has learnt, each fact once checked and normalised. */
export interface LoanFacts {
  /** The caller confirmed they are the lead named in the opening. */
  name_confirmed?: boolean;
  /** The caller agreed to talk about a loan now. */
  consent?: boolean;
  /** The loan the caller wants. */
  loan_type?: LoanType;
  /** Amount wanted, in INR. */
  amount_inr?: number;
  /** Monthly income, in INR. */
  monthly_income_inr?: number;
  /** How the caller earns. */
  employment_type?: EmploymentType;
  /** City of residence, as the caller named it. */
  city?: string;
  /** Sum of the EMIs the caller pays today, in INR a month (0: none). */
  existing_emi_inr?: number;
  /** The caller said the details read back to them are right. */
  details_confirmed?: boolean;
}

/** Name of a fact. */
export type FactName = keyof LoanFacts;

/** Every fact, in the order the call asks for them. */
export const factOrder: readonly FactName[] = [
  'name_confirmed',
  'consent',
  'loan_type',
  'amount_inr',
  'monthly_income_inr',
  'employment_type',
  'city',
  'existing_emi_inr',
  'details_confirmed',
];

/** A value that breaks a fact's rule; names the fact and the rule. */
export class FactError extends Error {
  /** Stable code. */
  readonly code = 'DIALOGUE_BAD_FACT';
  /** Whether asking again can give a good value (always: the caller can say it again). */
  readonly retryable = true;

  constructor(
    /** The fact at fault. */ readonly fact: string,
    rule: string,
  ) {
    super(`${fact}: ${rule}`);
    this.name = 'FactError';
  }
}

/** Largest amount, income or EMI accepted, in INR (1000 crore): beyond it a number was misheard. */
const maxInr = 10_000_000_000;

const loanSynonyms: Record<string, LoanType> = {
  home: 'home',
  housing: 'home',
  house: 'home',
  होम: 'home',
  घर: 'home',
  हाउसिंग: 'home',
  personal: 'personal',
  पर्सनल: 'personal',
  व्यक्तिगत: 'personal',
  business: 'business',
  बिजनेस: 'business',
  व्यवसाय: 'business',
  vehicle: 'vehicle',
  car: 'vehicle',
  bike: 'vehicle',
  auto: 'vehicle',
  गाडी: 'vehicle',
  कार: 'vehicle',
  वाहन: 'vehicle',
  gold: 'gold',
  गोल्ड: 'gold',
  सोना: 'gold',
};

/** Tamil loan words, matched at a word's start: Tamil adds case endings (வீட்டுக் கடன்). */
const tamilLoanStems: [string, LoanType][] = [
  ['வீட்டு', 'home'],
  ['வீடு', 'home'],
  ['ஹோம்', 'home'],
  ['தனிநபர்', 'personal'],
  ['பர்சனல்', 'personal'],
  ['தொழில்', 'business'],
  ['வணிக', 'business'],
  ['பிசினஸ்', 'business'],
  ['வாகன', 'vehicle'],
  ['கார்', 'vehicle'],
  ['பைக்', 'vehicle'],
  ['தங்க', 'gold'],
  ['நகை', 'gold'],
  ['கோல்டு', 'gold'],
];

const employmentSynonyms: [RegExp, EmploymentType][] = [
  [/self[\s_-]?employed|freelanc|अपना काम|स्वरोजगार|சொந்த (தொழில்|வேலை)|சுயதொழில்/, 'self_employed'],
  [
    /business|own (a |my )?(shop|firm|company)|व्यापार|व्यवसाय|बिजनेस|दुकान|வியாபார|கடை வைத்திருக்/,
    'business_owner',
  ],
  [/salar|job|employee|नौकरी|वेतन|सैलरी|சம்பள|உத்தியோக|வேலை(?!\s*(இல்|கிடையாது))/, 'salaried'],
  [/doctor|lawyer|chartered|architect|professional|consultant|மருத்துவர்|வழக்கறிஞர்/, 'professional'],
  [/retire|pension|रिटायर|पेंशन|ஓய்வு|பென்ஷன்/, 'retired'],
  [/unemployed|no job|not working|बेरोजगार|வேலை\s*(இல்|கிடையாது)/, 'unemployed'],
];

const yesWords =
  /^(true|yes|y|yeah|yep|correct|right|sure|ok|okay|हाँ|हां|जी|जी हाँ|सही|ठीक|ஆமாம்|ஆமா|ஆம்|சரி|சரிதான்|ஓகே)$/;
const noWords = /^(false|no|n|nope|not now|wrong|नहीं|ना|गलत|இல்லை|இல்ல|வேண்டாம்|தவறு)$/;

/**
 * Checks and normalises a fact the LLM recorded (the value as it sent it: a string, number or
 * boolean). Throws FactError naming the fact and the rule when the value cannot be one.
 */
export function normaliseFact<N extends FactName>(name: N, value: unknown): LoanFacts[N];
export function normaliseFact(name: string, value: unknown): LoanFacts[FactName];
export function normaliseFact(name: string, value: unknown): LoanFacts[FactName] {
  switch (name) {
    case 'name_confirmed':
    case 'consent':
    case 'details_confirmed':
      return toBoolean(name, value);
    case 'loan_type':
      return toLoanType(value);
    case 'amount_inr':
      return toInr(name, value, 1);
    case 'monthly_income_inr':
      return toInr(name, value, 1);
    case 'existing_emi_inr':
      return toInr(name, value, 0);
    case 'employment_type':
      return toEmployment(value);
    case 'city':
      return toCity(value);
    default:
      throw new FactError(name, `unknown fact; must be one of ${factOrder.join(', ')}`);
  }
}

/** Whether `name` is the name of a fact. */
export function isFactName(name: string): name is FactName {
  return (factOrder as readonly string[]).includes(name);
}

function toBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;

  const text = normaliseWord(String(value).trim()).replace(/[.!।]+$/, '');
  if (yesWords.test(text)) return true;

  if (noWords.test(text)) return false;

  throw new FactError(name, 'must be true or false');
}

function toLoanType(value: unknown): LoanType {
  const words = normaliseWord(String(value)).split(/[^\p{L}\p{M}]+/u);
  for (const word of words) {
    const type = loanSynonyms[word];
    if (type) return type;
  }

  for (const word of words) {
    const stem = tamilLoanStems.find(([start]) => word.startsWith(start));
    if (stem) return stem[1];
  }

  throw new FactError('loan_type', `must be one of ${loanTypes.join(', ')}`);
}

function toInr(name: string, value: unknown, min: number): number {
  const amount = typeof value === 'number' ? value : spokenInr(value);
  if (amount === undefined || !Number.isFinite(amount)) {
    throw new FactError(name, 'must be an amount in INR, as a number or in words ("25 lakh")');
  }

  const rounded = Math.round(amount);
  if (rounded < min || rounded > maxInr) {
    throw new FactError(name, `must be from ${min} to ${maxInr} INR`);
  }

  return rounded;
}

function spokenInr(value: unknown): number | undefined {
  const text = String(value);
  if (/^\s*(none|nil|no|zero|nothing|कोई नहीं|नहीं|शून्य)\b/i.test(text)) return 0;

  // \b does not see Tamil letters as word characters, so the Tamil words end at a space or the end.
  if (/^\s*(எதுவும் இல்லை|ஒன்றும் இல்லை|இல்லை|பூஜ்யம்|பூஜ்ஜியம்)(?=[\s,.!?]|$)/.test(text)) return 0;

  return parseSpokenAmount(text);
}

function toEmployment(value: unknown): EmploymentType {
  const text = normaliseWord(String(value));
  if ((employmentTypes as readonly string[]).includes(text)) return text as EmploymentType;

  const match = employmentSynonyms.find(([pattern]) => pattern.test(text));
  if (match) return match[1];

  throw new FactError('employment_type', `must be one of ${employmentTypes.join(', ')}`);
}

function toCity(value: unknown): string {
  const text = String(value ?? '')
    .trim()
    .replace(/[.!?।]+$/, '');
  if (text.length < 2 || text.length > 60 || /\d/.test(text)) {
    throw new FactError('city', 'must be a place name of 2 to 60 letters');
  }

  return text.replace(/(^|\s)(\p{Ll})/gu, (_, space: string, letter: string) => {
    return space + letter.toUpperCase();
  });
}
