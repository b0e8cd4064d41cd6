// Rules for lead fields shared by the JSON routes and the CSV import.

/** BCP-47 tags the agent speaks, e.g. `hi-IN`, `en-IN`, `ta`. */
export const LANGUAGE_PATTERN = '^[a-z]{2,3}(-[A-Z]{2})?$';

/** Lead statuses accepted on input. */
export const LEAD_STATUSES = [
  'new',
  'contacted',
  'qualified',
  'not_qualified',
  'callback',
  'not_interested',
] as const;

const zoneCache = new Map<string, boolean>();

/** True for an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  const cached = zoneCache.get(zone);
  if (cached !== undefined) return cached;

  let known = true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    known = false;
  }
  zoneCache.set(zone, known);

  return known;
}

/** Reads a CSV boolean (`true/false`, `yes/no`, `1/0`, `y/n`); undefined when unreadable. */
export function parseBoolean(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(value)) return true;
  if (['false', 'no', 'n', '0', ''].includes(value)) return false;

  return undefined;
}

/** Longest accepted text per lead field, in characters (JSON schema and CSV import alike). */
export const LEAD_TEXT_MAX_CHARS = { name: 200, loan_type: 100, notes: 2000 } as const;

// C0/C1 controls and the bidi overrides/isolates that can disguise a name on screen. Zero-width
// joiners stay allowed: Indic scripts need them.
const CONTROL_CHARS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_CHARS_BUT_LINE_BREAKS = /[^\P{Cc}\t\n\r]|[\u202A-\u202E\u2066-\u2069]/u;

/**
 * Why a lead text field is refused (a rule, for `<field> <rule>` messages), or undefined when
 * it is fine: too long, only blanks, or control characters (`notes` may hold line breaks).
 */
export function leadTextProblem(
  field: keyof typeof LEAD_TEXT_MAX_CHARS,
  value: string,
): string | undefined {
  const maxChars = LEAD_TEXT_MAX_CHARS[field];
  if (value.length > maxChars) return `must not exceed ${maxChars} characters`;
  if (value.trim() === '') return 'must contain a visible character';

  const controls = field === 'notes' ? CONTROL_CHARS_BUT_LINE_BREAKS : CONTROL_CHARS;
  if (controls.test(value)) return 'must not contain control characters';

  return undefined;
}
