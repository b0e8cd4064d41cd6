// What the emulator's loan agent says for each next step, in English, Hindi and Tamil: the wording
// a model would give the policy's decision.
import { parseSpokenAmount } from '@voice-agent/media-core/dialogue';
import type { CallState } from './call-state.js';

type Words = Record<string, (state: CallState) => string>;

type Language = 'en' | 'hi' | 'ta';

const zero: Record<Language, string> = { en: 'zero', hi: 'शून्य', ta: 'பூஜ்யம்' };

const inrUnits: [number, Record<Language, string>][] = [
  [10_000_000, { en: 'crore', hi: 'करोड़', ta: 'கோடி' }],
  [100_000, { en: 'lakh', hi: 'लाख', ta: 'லட்சம்' }],
  [1_000, { en: 'thousand', hi: 'हज़ार', ta: 'ஆயிரம்' }],
];

const english: Words = {
  'ask name_confirmed': (s) =>
    `I am an AI assistant calling about a loan offer, and this call is recorded. Am I speaking with ${s.leadName}?`,
  'ask consent': (s) => `Thank you, ${firstName(s)}. Is this a good time to talk about a loan?`,
  'ask loan_type': () =>
    'Great. What kind of loan are you looking for: home, personal, business, vehicle or gold?',
  'ask amount_inr': (s) =>
    `A ${String(s.facts.loan_type ?? 'new')} loan is a good choice. We offer long tenures and quick approval. How much would you like to borrow?`,
  'ask monthly_income_inr': () => 'Thank you. What is your monthly income?',
  'ask employment_type': () => 'Are you salaried, self-employed, or a business owner?',
  'ask city': () => 'Which city do you live in?',
  'ask existing_emi_inr': () => 'Do you pay any EMIs today? If yes, how much a month?',
  confirm: (s) =>
    `Let me read that back. A ${String(s.facts.loan_type)} loan of ${inr(s.facts.amount_inr, 'en')} rupees, a monthly income of ${inr(s.facts.monthly_income_inr, 'en')}, ${String(s.facts.employment_type).replace('_', ' ')}, living in ${String(s.facts.city)}, with EMIs of ${inr(s.facts.existing_emi_inr, 'en')} a month. Is that all correct?`,
  'end qualified': (s) =>
    `Good news, you pre-qualify for a ${String(s.facts.loan_type)} loan. A loan officer will call you with the next steps. Thank you for your time!`,
  'end not_qualified': () =>
    'Thank you. With these details we cannot offer this loan right now. Have a good day.',
  'end do_not_call': () =>
    'Understood. We will not call you again. Sorry for the trouble, goodbye.',
  'end not_interested': () => 'No problem. Thank you for your time, goodbye.',
  'end callback': (s) => `Sure, I will call you back ${when(s, 'en')}. Thank you, goodbye.`,
  hand_off: () => 'Sure. I am connecting you to a loan officer now, please stay on the line.',
  refused: () => 'Sorry, I did not get that.',
};

const hindi: Words = {
  'ask name_confirmed': (s) =>
    `मैं एक AI सहायक हूँ और लोन के ऑफ़र के बारे में फ़ोन कर रही हूँ, यह कॉल रिकॉर्ड हो रही है। क्या मेरी बात ${s.leadName} जी से हो रही है?`,
  'ask consent': (s) => `धन्यवाद ${firstName(s)} जी। क्या अभी लोन के बारे में बात करने का सही समय है?`,
  'ask loan_type': () => 'बढ़िया। आपको किस तरह का लोन चाहिए: होम, पर्सनल, बिज़नेस, वाहन या गोल्ड?',
  'ask amount_inr': () =>
    'अच्छा विकल्प है। हमारे यहाँ लंबी अवधि और जल्दी मंज़ूरी मिलती है। आपको कितनी राशि चाहिए?',
  'ask monthly_income_inr': () => 'धन्यवाद। आपकी महीने की आमदनी कितनी है?',
  'ask employment_type': () => 'आप नौकरी करते हैं या अपना काम?',
  'ask city': () => 'आप किस शहर में रहते हैं?',
  'ask existing_emi_inr': () => 'क्या आप अभी कोई EMI भरते हैं? अगर हाँ, तो महीने में कितनी?',
  confirm: (s) =>
    `मैं एक बार दोहरा देती हूँ। ${inr(s.facts.amount_inr, 'hi')} रुपये का लोन, महीने की आमदनी ${inr(s.facts.monthly_income_inr, 'hi')}, शहर ${String(s.facts.city)}, और हर महीने ${inr(s.facts.existing_emi_inr, 'hi')} की EMI। क्या सब सही है?`,
  'end qualified': () =>
    'बधाई हो, आप इस लोन के लिए शुरुआती तौर पर योग्य हैं। हमारे लोन अधिकारी आपको आगे की जानकारी के लिए फ़ोन करेंगे। धन्यवाद!',
  'end not_qualified': () => 'धन्यवाद। इन जानकारियों के साथ हम अभी यह लोन नहीं दे सकते। आपका दिन शुभ हो।',
  'end do_not_call': () => 'ठीक है, हम आपको दोबारा फ़ोन नहीं करेंगे। परेशानी के लिए माफ़ी, नमस्ते।',
  'end not_interested': () => 'कोई बात नहीं। आपके समय के लिए धन्यवाद, नमस्ते।',
  'end callback': (s) => `ज़रूर, मैं आपको ${when(s, 'hi')} फ़ोन करूँगी। धन्यवाद, नमस्ते।`,
  hand_off: () => 'ज़रूर। मैं आपको अभी लोन अधिकारी से जोड़ रही हूँ, कृपया लाइन पर बने रहिए।',
  refused: () => 'माफ़ कीजिए, मैं समझ नहीं पाई।',
};

const tamil: Words = {
  'ask name_confirmed': (s) =>
    `நான் ஒரு AI உதவியாளர், கடன் சலுகை பற்றி அழைக்கிறேன், இந்த அழைப்பு பதிவு செய்யப்படுகிறது. நான் ${s.leadName} அவர்களிடம் பேசுகிறேனா?`,
  'ask consent': (s) => `நன்றி ${firstName(s)} அவர்களே. கடன் பற்றிப் பேச இது சரியான நேரமா?`,
  'ask loan_type': () =>
    'நல்லது. உங்களுக்கு எந்த வகைக் கடன் வேண்டும்: வீடு, தனிநபர், தொழில், வாகனம் அல்லது தங்கம்?',
  'ask amount_inr': () =>
    'நல்ல தேர்வு. எங்களிடம் நீண்ட கால அவகாசமும் விரைவான ஒப்புதலும் உண்டு. உங்களுக்கு எவ்வளவு தொகை வேண்டும்?',
  'ask monthly_income_inr': () => 'நன்றி. உங்கள் மாத வருமானம் எவ்வளவு?',
  'ask employment_type': () => 'நீங்கள் சம்பளத்திற்கு வேலை பார்க்கிறீர்களா, அல்லது சொந்தத் தொழில் செய்கிறீர்களா?',
  'ask city': () => 'நீங்கள் எந்த ஊரில் வசிக்கிறீர்கள்?',
  'ask existing_emi_inr': () => 'இப்போது ஏதாவது EMI கட்டுகிறீர்களா? ஆம் என்றால், மாதம் எவ்வளவு?',
  confirm: (s) =>
    `ஒருமுறை சரிபார்க்கிறேன். ${inr(s.facts.amount_inr, 'ta')} ரூபாய் கடன், மாத வருமானம் ${inr(s.facts.monthly_income_inr, 'ta')}, ஊர் ${String(s.facts.city)}, மாதம் ${inr(s.facts.existing_emi_inr, 'ta')} EMI. எல்லாம் சரியா?`,
  'end qualified': () =>
    'வாழ்த்துகள், இந்தக் கடனுக்கு நீங்கள் முதல்கட்டமாகத் தகுதி பெற்றுள்ளீர்கள். அடுத்த படிகளுக்கு எங்கள் கடன் அதிகாரி உங்களை அழைப்பார். நன்றி!',
  'end not_qualified': () =>
    'நன்றி. இந்த விவரங்களுடன் இப்போது இந்தக் கடனை வழங்க முடியாது. இனிய நாளாக அமையட்டும்.',
  'end do_not_call': () => 'சரி, இனி உங்களை அழைக்க மாட்டோம். தொந்தரவுக்கு மன்னிக்கவும், வணக்கம்.',
  'end not_interested': () => 'பரவாயில்லை. உங்கள் நேரத்திற்கு நன்றி, வணக்கம்.',
  'end callback': (s) => `சரி, ${when(s, 'ta')} உங்களை அழைக்கிறேன். நன்றி, வணக்கம்.`,
  hand_off: () => 'சரி. உங்களை இப்போது கடன் அதிகாரியுடன் இணைக்கிறேன், தயவுசெய்து லைனில் இருங்கள்.',
  refused: () => 'மன்னிக்கவும், எனக்குப் புரியவில்லை.',
};

const wordsByLanguage: Record<string, Words> = { 'hi-IN': hindi, 'ta-IN': tamil };

/** The reply for the state's next step, in its language (a refusal first asks again). */
export function replyFor(state: CallState, refused: boolean): string {
  const words = wordsByLanguage[state.language] ?? english;
  const [action = '', detail = ''] = state.next.split(' ');
  const key = action === 'ask' ? `ask ${detail}` : action === 'end' ? `end ${detail}` : action;
  const say = words[key] ?? words.hand_off;
  const text = say?.(state) ?? '';

  return refused ? `${words.refused?.(state) ?? ''} ${text}` : text;
}

function firstName(state: CallState): string {
  return state.leadName.split(' ')[0] ?? state.leadName;
}

/**
 * An amount the Indian way: "25 lakh", "80 thousand" ("पच्चीस"-style words are not needed). The
 * value is a number of rupees, or the caller's words for one (a fact just recorded, not yet
 * normalised by the policy).
 */
function inr(value: unknown, language: Language): string {
  const amount = typeof value === 'string' ? (parseSpokenAmount(value) ?? NaN) : Number(value);
  if (!Number.isFinite(amount) || amount === 0) return zero[language];

  const unit = inrUnits.find(([size]) => amount >= size);
  if (!unit) return String(amount);

  const count = Math.round((amount / unit[0]) * 100) / 100;
  return `${count} ${unit[1][language]}`;
}

// Limit: a call-back two or more days ahead is still worded "tomorrow"; the time itself (in
// the tool call) is right, only the spoken confirmation is off.
/** "tomorrow at 5 PM" / "कल 5 बजे" / "நாளை மாலை 5 மணிக்கு", from the call-back time in the step. */
function when(state: CallState, language: Language): string {
  const at = state.next.split(' ')[2] ?? '';
  const time = /T(\d{2}):(\d{2})/.exec(at);
  const hour = Number(time?.[1] ?? 0);
  const sameDay = at.slice(0, 10) === (state.now ?? '').slice(0, 10);

  if (language === 'hi') return `${sameDay ? 'आज' : 'कल'} ${hour > 12 ? hour - 12 : hour} बजे`;

  if (language === 'ta') {
    const part = hour < 12 ? 'காலை' : hour < 16 ? 'மதியம்' : hour < 19 ? 'மாலை' : 'இரவு';
    return `${sameDay ? 'இன்று' : 'நாளை'} ${part} ${hour > 12 ? hour - 12 : hour} மணிக்கு`;
  }

  const clock = `${hour > 12 ? hour - 12 : hour} ${hour >= 12 ? 'PM' : 'AM'}`;
  return `${sameDay ? 'today' : 'tomorrow'} at ${clock}`;
}
