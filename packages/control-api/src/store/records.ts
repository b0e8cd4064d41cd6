// New records with their defaults filled in, the same for every store.
import { newId } from './ids.js';
import type { CallRecord, LeadRecord, NewLead, Store } from './types.js';

/** The current time as an ISO 8601 string, the stores' timestamp format. */
export const now = (): string => new Date().toISOString();

/** Fills in a new lead's defaults; `at` (ISO 8601) becomes both its timestamps. */
export function leadDefaults(lead: NewLead, at: string): LeadRecord {
  return {
    id: newId(),
    name: lead.name,
    phone: lead.phone,
    language: lead.language ?? 'en-IN',
    loan_type: lead.loan_type ?? null,
    status: lead.status ?? 'new',
    do_not_call: lead.do_not_call ?? false,
    consent: lead.consent ?? false,
    time_zone: lead.time_zone ?? null,
    notes: lead.notes ?? null,
    source: lead.source ?? 'api',
    created_at: at,
    updated_at: at,
  };
}

/** Fills in a new call's defaults; `at` (ISO 8601) becomes both its timestamps. */
export function callDefaults(call: Parameters<Store['createCall']>[0], at: string): CallRecord {
  return {
    id: newId(),
    started_at: null,
    ended_at: null,
    duration_s: null,
    outcome: null,
    facts: {},
    latency_summary: null,
    error: null,
    created_at: at,
    updated_at: at,
    ...call,
    twilio_sid: call.twilio_sid ?? null,
  };
}
