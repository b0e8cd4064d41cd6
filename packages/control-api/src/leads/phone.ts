// Phone numbers to E.164 (ITU-T E.164: '+', country code, subscriber number, 15 digits at most).

/** Why a number was refused, for per-row import errors. */
export type PhoneProblem = 'empty' | 'bad_characters' | 'bad_length' | 'bad_country_code';

/** Result of normalising a phone number. */
export type PhoneResult = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

/** National significant numbers are assumed 10 digits long (India, North America). */
const NATIONAL_DIGITS = 10;

function internationalDigits(compact: string, countryCode: string): string {
  if (compact.startsWith('+')) return compact.slice(1);
  if (compact.startsWith('00')) return compact.slice(2);
  // '919876543210': already carries the default country code.
  if (compact.startsWith(countryCode) && compact.length === NATIONAL_DIGITS + countryCode.length) {
    return compact;
  }

  return countryCode + compact.replace(/^0/, '');
}

/**
 * Normalises a phone number to E.164. International forms (`+…`, `00…`) keep their country
 * code; national forms get `defaultCountryCode` (a leading trunk `0` is dropped).
 * Limit: no per-country numbering plan (national numbers are taken as 10 digits), so a well-formed
 * but unassigned number passes; that costs a failed call attempt, which Twilio reports as `failed`.
 */
export function normalizePhone(raw: string, defaultCountryCode = '91'): PhoneResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };

  // Separators people type: spaces, dots, dashes, parentheses.
  const compact = trimmed.replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return { ok: false, problem: 'bad_characters' };

  const digits = internationalDigits(compact, defaultCountryCode);

  if (digits.startsWith('0')) return { ok: false, problem: 'bad_country_code' };
  // E.164 allows at most 15 digits; fewer than 8 is no real subscriber number anywhere.
  if (digits.length < 8 || digits.length > 15) return { ok: false, problem: 'bad_length' };

  return { ok: true, e164: `+${digits}` };
}
