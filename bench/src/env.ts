// A benchmark's figures and lists from the environment: unset or blank gives the default, and a
// value outside its rule is refused with a RangeError that names the variable and the rule.

/** Environment variables by name (`process.env`, or a test's own). */
export type Env = Record<string, string | undefined>;

/** What a number read from the environment must be. */
export interface NumberRule {
  /** Smallest value allowed. */
  min: number;
  /** Largest value allowed. */
  max: number;
  /** True to refuse fractions. */
  integer?: boolean;
}

/** `env[name]` as a number within `rule`, or `fallback` when unset or blank. */
export function numberFrom(env: Env, name: string, fallback: number, rule: NumberRule): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;

  const { min, max } = rule;
  const value = Number(text);
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be a number from ${min} to ${max} (got "${text}")`);
  }
  if (rule.integer === true && !Number.isInteger(value)) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
  }

  return value;
}

/**
 * `env[name]` as a comma-separated list of `allowed` names, each at most once, in the order
 * given; every allowed name, in order, when unset or blank.
 */
export function namesFrom<T extends string>(env: Env, name: string, allowed: readonly T[]): T[] {
  const text = env[name];
  if (text === undefined || text.trim() === '') return [...allowed];

  const names = text.split(',').map((part) => part.trim());
  if (
    names.some((item) => !(allowed as readonly string[]).includes(item)) ||
    new Set(names).size !== names.length
  ) {
    throw new RangeError(`${name} must list ${allowed.join(' and/or ')} once each (got "${text}")`);
  }

  return names as T[];
}
