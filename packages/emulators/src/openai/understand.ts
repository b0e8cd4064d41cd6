// The rule-based "understanding" of the emulator's loan agent: which tools a caller's words
// call for, in English, Hindi and Tamil. It covers what the fixture scripts' callers say and close
// variants, not free speech.
import { callbackTime } from './callback-time.js';
import type { CallState } from './call-state.js';

/** A tool call the emulator decided on. */
export interface PlannedCall {
  /** Tool name. */
  name: string;
  /** Arguments object (sent as JSON). */
  arguments: Record<string, unknown>;
}

const patterns = {
  human:
    /\b(talk|speak) to (a |an |some )?(person|human|agent|officer|someone|real)|\bhuman\b|इंसान|किसी व्यक्ति|एजेंट|अधिकारी से बात|மனிதரிட|ஆளிடம் பேச|அதிகாரியிடம் பேச/i,
  doNotCall:
    /don'?t call|do not call|never call|stop calling|remove my number|मत कीजिए|मत करना|मत करिए|फोन न करें|कॉल न करें|அழைக்க வேண்டாம்|கூப்பிட வேண்டாம்|போன் பண்ண வேண்டாம்/i,
  callback:
    /call (me )?back|call me (later|tomorrow)|\blater\b|बाद में|फोन कीजिए|कॉल कीजिए|அழைக்கவும்|அழையுங்க|கூப்பிடுங்க|பிறகு பேச|அப்புறம் பேச/i,
  notInterested:
    /not interested|no thanks|no,? thank you|नहीं चाहिए|दिलचस्पी नहीं|रुचि नहीं|விருப்பம் இல்லை|தேவையில்லை|வேண்டாம், நன்றி/i,
  yes: /^\s*(yes|yeah|yep|sure|ok|okay|correct|right|go ahead|speaking|हां|जी|सही|ठीक|बोलिए|ஆமாம்|ஆமா|ஆம்|சரி|சொல்லுங்க|ஓகே)/i,
  no: /^\s*(no|nope|wrong|not now|नहीं|गलत|இல்லை|இல்ல|தவறு)(?=[\s,.!?।]|$)/i,
  emi: /\bemis?\b|\bpay(ing)?\b|instal+ment|किस्त|ईएमआई|जाती है|भरता|भरती|தவணை|இஎம்ஐ|கட்டுகிறேன்|கட்டுறேன்/i,
  income:
    /income|salary|earn|take home|आमदनी|आय|तनख्वाह|सैलरी|कमाई|कमाता|कमाती|வருமானம்|சம்பளம்|சம்பாதி/i,
  // Tamil fuses a number with its multiplier (எண்பதாயிரம்), so the whole Tamil word matches.
  multiplier:
    /\b(thousand|lakhs?|lacs?|crores?|k)\b|(?<=\d)k\b|हजार|लाख|करोड|[\u0B80-\u0BFF]*(?:யிர|லட்ச|கோடி)[\u0B80-\u0BFF]*/gi,
  digits: /\d[\d,]*(\.\d+)?/,
};

const loanWords: [RegExp, string][] = [
  [/home|hous|होम|घर|हाउसिंग|வீட்டு|வீடு/i, 'home'],
  [/personal|पर्सनल|தனிநபர்/i, 'personal'],
  [/business loan|बिजनेस लोन|व्यवसाय लोन|தொழில் கடன்|வணிகக் கடன்/i, 'business'],
  [/car|vehicle|bike|कार|गाडी|वाहन|வாகன|கார்|பைக்/i, 'vehicle'],
  [/gold|गोल्ड|सोना|தங்க|நகைக் கடன்/i, 'gold'],
];

const employmentWords: [RegExp, string][] = [
  [/self[- ]?employed|अपना काम|स्वरोजगार|சொந்த (தொழில்|வேலை)|சுயதொழில்/i, 'self_employed'],
  [/business|व्यापार|बिजनेस|दुकान|வியாபார/i, 'business_owner'],
  [/salaried|salary|job|नौकरी|सैलरी|சம்பள|வேலை பார்க்கிறேன்|வேலை செய்கிறேன்/i, 'salaried'],
  [/retired|रिटायर|ஓய்வு/i, 'retired'],
];

/** The tools a caller's words call for, given what the agent wants next. */
export function understand(said: string, state: CallState): PlannedCall[] {
  const text = foldHindi(said);
  const terminal = terminalIntent(text, state);
  if (terminal) return [terminal];

  const asked = state.next.split(' ')[1] ?? '';
  const calls: PlannedCall[] = [];
  const record = (name: string, value: unknown): void => {
    calls.push({ name: 'record_fact', arguments: { name, value } });
  };

  const yesNo = patterns.yes.test(text) ? true : patterns.no.test(text) ? false : undefined;
  if (state.next === 'confirm' && yesNo !== undefined) record('details_confirmed', yesNo);
  const introduces = /this is|मैं .*बोल रह|நான் .*பேசு/i;
  if (asked === 'name_confirmed' && (yesNo !== undefined || introduces.test(text))) {
    record('name_confirmed', yesNo ?? true);
  }
  if (asked === 'consent' && yesNo !== undefined) record('consent', yesNo);

  recordDetails(text, asked, record);

  return calls;
}

/**
 * Folds Hindi spelling variants, as speech recognizers use both: no nukta (फ़ोन → फोन) and
 * anusvara for chandrabindu (हाँ → हां). The patterns here are written in the folded form.
 */
function foldHindi(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\u093c/g, '')
    .replace(/\u0901/g, '\u0902');
}

/** Requests that end the collection at once: a person, do-not-call, a call-back, a refusal. */
function terminalIntent(text: string, state: CallState): PlannedCall | undefined {
  if (patterns.human.test(text)) return { name: 'hand_off', arguments: { reason: 'caller_asked' } };

  if (patterns.doNotCall.test(text)) {
    return { name: 'end_call', arguments: { outcome: 'do_not_call' } };
  }

  if (patterns.callback.test(text) && state.now) {
    return { name: 'schedule_callback', arguments: { at: callbackTime(text, state.now) } };
  }

  if (patterns.notInterested.test(text)) {
    return { name: 'end_call', arguments: { outcome: 'not_interested' } };
  }

  return undefined;
}

/** Loan type, amounts, employment and city, said whether or not they were asked for. */
function recordDetails(
  text: string,
  asked: string,
  record: (name: string, value: unknown) => void,
): void {
  const amount = amountSpan(text);
  const isEmi = patterns.emi.test(text);

  if (isEmi) {
    const none =
      /\bno (emi|loan)|\bnone\b|कोई (emi|ईएमआई|किस्त) नहीं|(emi|தவணை|இஎம்ஐ) (எதுவும் )?இல்லை/i.test(
        text,
      );
    if (amount || none) record('existing_emi_inr', amount ?? 0);
    return;
  }

  const loan = loanWords.find(([pattern]) => pattern.test(text));
  if (loan && (asked === 'loan_type' || /loan|लोन|கடன்|லோன்/i.test(text))) {
    record('loan_type', loan[1]);
  }

  if (amount && (patterns.income.test(text) || asked === 'monthly_income_inr')) {
    record('monthly_income_inr', amount);
  } else if (amount) {
    record('amount_inr', amount);
  }

  const employment = employmentWords.find(([pattern]) => pattern.test(text));
  if (employment && (asked === 'employment_type' || !loan))
    record('employment_type', employment[1]);

  const city = cityOf(text, asked);
  if (city) record('city', city);
}

/**
 * The words of the amount said, from up to two words before the first multiplier to the last
 * one ("twenty five lakh", "अस्सी हज़ार"), or a bare number; undefined when none is said.
 */
function amountSpan(text: string): string | undefined {
  const found = [...text.matchAll(patterns.multiplier)];
  const first = found[0];
  const last = found.at(-1);
  if (first?.index === undefined || last?.index === undefined) {
    return patterns.digits.exec(text)?.[0];
  }

  const before = text.slice(0, first.index).trim().split(/\s+/).slice(-2).join(' ');
  return `${before} ${text.slice(first.index, last.index + last[0].length)}`.trim();
}

function cityOf(text: string, asked: string): string | undefined {
  const english =
    /\b(?:live in|living in|from|based in|stay in)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)/.exec(text);
  if (english) return english[1];

  const hindi = /(?:मैं\s+)?(\S+)\s+में\s+(?:रहता|रहती|रहते)/.exec(text);
  if (hindi) return hindi[1];

  const tamil = tamilCity(text);
  if (tamil) return tamil;

  const bare = text.trim().replace(/[.!?।]+$/, '');
  return asked === 'city' && /^[\p{L}\p{M}]+(\s[\p{L}\p{M}]+)?$/u.test(bare) ? bare : undefined;
}

/**
 * The city of "நான் சென்னையில் இருக்கிறேன்": the word before a verb of living, without its
 * locative ending (சென்னையில் → சென்னை, கோயம்புத்தூரில் → கோயம்புத்தூர்).
 */
function tamilCity(text: string): string | undefined {
  const found = /(\S+?)(யில்|வில்|\u0bbfல்)\s+(?:இருக்கி|வசிக்கி|இருக்கே|வசிக்கே|தங்கி|வாழ்)/.exec(text);
  if (!found?.[1]) return undefined;

  // After a consonant the ending -இல் leaves the consonant bare; write its virama back.
  return found[2] === '\u0bbfல்' ? `${found[1]}\u0bcd` : found[1];
}
