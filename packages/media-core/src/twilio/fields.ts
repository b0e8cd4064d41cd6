// Field readers for the parser: each returns the value, or undefined when the type is wrong.

/** A JSON object as parsed, with unknown values. */
export type JsonObject = Record<string, unknown>;

/** The value as an object, or undefined if it is not a plain object. */
export function objectField(value: unknown): JsonObject | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;

  return value as JsonObject;
}

/** The field as a non-empty string, or undefined. */
export function stringField(obj: JsonObject, name: string): string | undefined {
  const value = obj[name];

  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The field as a non-negative integer written as a decimal string, as Twilio writes its
 * counters (`sequenceNumber`, `chunk`) and the media clock (`timestamp`); or undefined.
 */
export function counterField(obj: JsonObject, name: string): number | undefined {
  const value = obj[name];
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;

  return Number(value);
}

/** The field as an object whose values are all strings (`customParameters`), or undefined. */
export function stringMapField(obj: JsonObject, name: string): Record<string, string> | undefined {
  const value = objectField(obj[name] ?? {});
  if (value === undefined) return undefined;

  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') return undefined;
    out[key] = item;
  }

  return out;
}

/** The field as an array of strings, or undefined. */
export function stringListField(obj: JsonObject, name: string): string[] | undefined {
  const value = obj[name];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;

  return value as string[];
}
