// Opaque keyset cursors: the (created_at, id) of the last record of a page, base64url JSON.
import { invalidField } from '../errors.js';

/** Position after which the next page starts (newest-first order). */
export interface CursorKey {
  /** ISO time of the last record returned. */
  at: string;
  /** Id of the last record returned (tie-break for equal times). */
  id: string;
}

/** Encodes a cursor key. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

// What encodeCursor writes: an ISO time (Date#toISOString) and a record id; anything else was
// forged, and is refused rather than handed to the store as a comparison bound.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const ID = /^[\w-]{1,100}$/;

function isKeyPart(value: unknown, shape: RegExp): value is string {
  return typeof value === 'string' && shape.test(value);
}

/** Decodes a cursor; a 400 naming `query.cursor` when it is not one of ours. */
export function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && isKeyPart(parsed[0], ISO_TIME)) {
      if (isKeyPart(parsed[1], ID)) return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the validation error below.
  }

  throw invalidField('query.cursor', 'is not a cursor returned by this API');
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says whether more exist. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const next_cursor = rows.length > limit && last ? encodeCursor(keyOf(last)) : null;

  return { items, next_cursor };
}
