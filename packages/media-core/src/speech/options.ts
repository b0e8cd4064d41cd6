/**
 * `defaults` overlaid with the fields of `options` that are set. A plain spread would let an
 * explicit `undefined` (an unset environment variable passed through) erase a default.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const set = Object.entries(options).filter(([, value]) => value !== undefined);

  return { ...defaults, ...Object.fromEntries(set) } as D & O;
}
