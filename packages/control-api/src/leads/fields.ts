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
