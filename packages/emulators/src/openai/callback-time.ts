// Resolves a spoken call-back time ("tomorrow at 5 pm", "कल शाम पांच बजे", "நாளை மாலை ஐந்து
// மணிக்கு") against the call's
// `now` into an ISO 8601 time in the same offset, as a model would from its prompt.
import { parseSpokenAmount } from '@voice-agent/media-core/dialogue';

/** A clock hour said as a word ("five", "पांच"), read with the product's number parser. */
function hourWord(word: string): number | undefined {
  const value = parseSpokenAmount(word);

  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 12
    ? value
    : undefined;
}

/** Hour of the day when none is said. */
const defaultHour = 11;

/**
 * The call-back time the caller asked for. `now` is ISO 8601 with an offset; the answer keeps
 * that offset. A time already past today moves to the next day.
 */
export function callbackTime(text: string, now: string): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(now);
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(now)?.[1] ?? 'Z';
  if (!parts) throw new RangeError(`now: not an ISO 8601 time: ${now}`);

  const [year, month, day, hourNow, minuteNow] = parts.slice(1).map(Number) as number[];
  const hour = spokenHour(text) ?? defaultHour;
  let days = dayOffset(text);
  if (days === 0 && hour * 60 <= (hourNow ?? 0) * 60 + (minuteNow ?? 0)) days = 1;

  const local = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days, hour, 0));
  return `${local.toISOString().slice(0, 19)}${offset === 'Z' ? 'Z' : offset}`;
}

function dayOffset(text: string): number {
  if (/day after tomorrow|परसों|நாளை மறுநாள்|நாளன்னைக்கு/i.test(text)) return 2;

  if (/tomorrow|कल|நாளை|நாளைக்கு/i.test(text)) return 1;

  return 0;
}

/** The hour said, on a 24-hour clock, or undefined. */
function spokenHour(text: string): number | undefined {
  const english = /\b(\d{1,2}|[a-z]+)(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.|o'?clock)/i.exec(text);
  if (english) {
    const hour = Number(english[1]) || hourWord(english[1] ?? '');
    if (hour) return /p/i.test(english[2] ?? '') && hour < 12 ? hour + 12 : hour;
  }

  // "पांच बजे", "ஐந்து மணிக்கு": the word before the Hindi or Tamil word for o'clock.
  const said = /(\S+)\s+(?:बजे|மணி)/.exec(text);
  const hour = said ? Number(said[1]) || hourWord(said[1] ?? '') : undefined;
  if (!hour) return undefined;

  // Evening and night (शाम, रात, மாலை, இரவு) are afternoon hours; noon (दोपहर, மதியம்) from 1 to 5.
  const afternoon =
    /शाम|रात|மாலை|சாயங்காலம்|இரவு|ராத்திரி/.test(text) || (/दोपहर|மதியம்/.test(text) && hour < 6);
  return afternoon && hour < 12 ? hour + 12 : hour;
}
