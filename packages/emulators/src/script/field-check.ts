// Checks for JSON read from fixture files: each failure names the field and the rule it breaks.

/** Stable codes of the failures of fixture data (manifest and conversation scripts). */
export type FixtureErrorCode = 'FIXTURE_INVALID' | 'FIXTURE_NOT_FOUND' | 'FIXTURE_FORMAT';

/** A fixture file or value that cannot be used; `field` is the JSON path at fault. */
export class FixtureError extends Error {
  /** Stable machine-readable code. */
  readonly code: FixtureErrorCode;
  /** The JSON path at fault, e.g. `turns[2].bargeInAtMs`; empty for the whole document. */
  readonly field: string;
  /** Never retryable: the data is wrong, not the moment. */
  readonly retryable = false;

  constructor(code: FixtureErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(field === '' ? message : `${field}: ${message}`, options);
    this.name = 'FixtureError';
    this.code = code;
    this.field = field;
  }
}

/** Fails with `FIXTURE_INVALID` naming `field` and the broken `rule`. */
export function invalid(field: string, rule: string): never {
  throw new FixtureError('FIXTURE_INVALID', field, rule);
}

/** Fails with "is required" when a field is absent, before any rule about its value. */
function required(value: unknown, field: string): void {
  if (value === undefined) invalid(field, 'is required');
}

/** `value` as a plain object, or a failure naming `field`. */
export function objectAt(value: unknown, field: string): Record<string, unknown> {
  required(value, field);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(field, 'must be an object');
  }

  return value as Record<string, unknown>;
}

/** `value` as an array, or a failure naming `field`. */
export function arrayAt(value: unknown, field: string): unknown[] {
  required(value, field);
  if (!Array.isArray(value)) return invalid(field, 'must be an array');

  return value;
}

/** `value` as a non-empty string, or a failure naming `field`. */
export function stringAt(value: unknown, field: string): string {
  required(value, field);
  if (typeof value !== 'string' || value.length === 0) {
    return invalid(field, 'must be a non-empty string');
  }

  return value;
}

/** `value` as a string matching `pattern` (described by `rule`), or a failure naming `field`. */
export function patternAt(value: unknown, field: string, pattern: RegExp, rule: string): string {
  const text = stringAt(value, field);
  if (!pattern.test(text)) return invalid(field, rule);

  return text;
}

/** `value` as an integer within [min, max], or a failure naming `field` and the range. */
export function integerAt(value: unknown, field: string, min: number, max: number): number {
  required(value, field);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return invalid(field, `must be an integer from ${min} to ${max}`);
  }

  return value;
}

/** `value` as a finite number within [min, max], or a failure naming `field` and the range. */
export function numberAt(value: unknown, field: string, min: number, max: number): number {
  required(value, field);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    return invalid(field, `must be a number from ${min} to ${max}`);
  }

  return value;
}

/** `value` as one of `choices`, or a failure naming `field` and the choices. */
export function choiceAt<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    return invalid(field, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  }

  return value as T;
}

/** Fails when `record` holds a key outside `known`: a typo must not pass as an absent option. */
export function onlyKeys(record: Record<string, unknown>, field: string, known: string[]): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      invalid(field === '' ? key : `${field}.${key}`, `is not a known field`);
    }
  }
}

/** Language tags look like `en-IN` (BCP-47 language and region). */
const LANGUAGE_TAG = /^[a-z]{2,3}-[A-Z]{2}$/;

/** `value` as a BCP-47 language tag of the form `ll-CC`, or a failure naming `field`. */
export function languageAt(value: unknown, field: string): string {
  return patternAt(value, field, LANGUAGE_TAG, 'must be a language tag like "hi-IN"');
}

/** JSON.parse with a failure that names the file. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FixtureError('FIXTURE_INVALID', '', `${path}: not valid JSON`, { cause: error });
  }
}
