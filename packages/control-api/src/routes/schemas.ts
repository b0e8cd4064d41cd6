// JSON schemas shared by routes (also the OpenAPI components served at /docs).
import { LANGUAGE_PATTERN, LEAD_STATUSES } from '../leads/fields.js';

const nullableString = { type: ['string', 'null'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const nullableObject = { type: ['object', 'null'], additionalProperties: true } as const;

/** Error answers. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        retryable: { type: 'boolean' },
      },
      required: ['code', 'message'],
    },
  },
} as const;

/** A lead as answered. */
export const leadSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    phone: { type: 'string', description: 'E.164' },
    language: { type: 'string' },
    loan_type: nullableString,
    status: { type: 'string', enum: LEAD_STATUSES },
    do_not_call: { type: 'boolean' },
    consent: { type: 'boolean' },
    time_zone: nullableString,
    notes: nullableString,
    source: { type: 'string' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** Writable lead fields (name and phone required on create). */
export const leadInputProperties = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  phone: { type: 'string', minLength: 3, maxLength: 32 },
  language: { type: 'string', pattern: LANGUAGE_PATTERN },
  loan_type: { type: ['string', 'null'], maxLength: 100 },
  status: { type: 'string', enum: LEAD_STATUSES },
  do_not_call: { type: 'boolean' },
  consent: { type: 'boolean' },
  time_zone: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
  notes: { type: ['string', 'null'], maxLength: 2000 },
} as const;

/** A call as answered. */
export const callSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    lead_id: { type: 'string' },
    direction: { type: 'string' },
    status: { type: 'string' },
    twilio_sid: nullableString,
    from_number: { type: 'string' },
    to_number: { type: 'string' },
    language: { type: 'string' },
    created_by: { type: 'string' },
    started_at: nullableString,
    ended_at: nullableString,
    duration_s: { type: ['integer', 'null'] },
    outcome: nullableObject,
    facts: anyObject,
    latency_summary: nullableObject,
    error: nullableString,
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** A hand-off as answered. */
export const handoffSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    call_id: { type: 'string' },
    requested_by: { type: 'string' },
    reason: { type: 'string' },
    target: { type: 'string' },
    status: { type: 'string' },
    requested_at: { type: 'string' },
    ended_at: nullableString,
    duration_s: { type: ['integer', 'null'] },
    error: nullableString,
  },
} as const;

/** `limit` and `cursor` of a listing. */
export const pageQueryProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  cursor: { type: 'string', maxLength: 500 },
} as const;

/** `{ items, next_cursor }` of the given item schema. */
export function pageSchema(item: object) {
  return {
    type: 'object',
    properties: { items: { type: 'array', items: item }, next_cursor: nullableString },
  } as const;
}

/** An `:id` path parameter. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
} as const;

/** Security requirement for user routes in OpenAPI. */
export const bearerSecurity = [{ bearerAuth: [] }];
