// The Calls resource: create, fetch, list and update requests, validated as Twilio validates them.
import type { CallRecord, DocumentSource } from './call-record.js';
import { newCallSid } from './call-record.js';
import { TwilioRestError } from './errors.js';
import { firstValues } from './http.js';

/**
 * E.164: "+", a non-zero country digit, at most 15 digits in all (ITU-T E.164 §6).
 * Limit: `client:`, `sip:` and WhatsApp addresses, which Twilio also dials, are refused here.
 */
const E164 = /^\+[1-9]\d{1,14}$/;

/** Twilio's bound on an inline `Twiml` parameter, in characters. */
const MAX_TWIML_CHARS = 4000;

/** Validates a create request's form and builds the new call's record (status "queued"). */
export function createCallRecord(accountSid: string, form: URLSearchParams): CallRecord {
  const params = firstValues(form);
  const to = params['To'];
  const from = params['From'];
  if (!to) throw new TwilioRestError(400, 21201, "No 'To' number is specified");
  if (!from) throw new TwilioRestError(400, 21603, "A 'From' phone number is required.");
  if (!E164.test(to)) throw new TwilioRestError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (!E164.test(from))
    throw new TwilioRestError(400, 21212, `Invalid 'From' Phone Number: ${from}`);

  const document = documentSource(params, 'Url', 'Method');
  if (document === undefined) {
    throw new TwilioRestError(400, 21205, 'Either Url or Twiml is required to create a call.');
  }
  const now = new Date();

  return {
    sid: newCallSid(),
    to,
    from,
    status: 'queued',
    updates: [],
    actions: [],
    callbacks: [],
    accountSid,
    initialDocument: document,
    ...statusCallback(params),
    statusCallbackEvents: callbackEvents(form),
    callbackSequence: 0,
    dateCreated: now,
    dateUpdated: now,
    hangupRequested: false,
    step: new AbortController(),
  };
}

/** Applies an update request to a call: redirect (`Twiml`/`Url`) or hang up (`Status`). */
export function updateCallRecord(call: CallRecord, form: URLSearchParams): void {
  const params = firstValues(form);
  const status = params['Status'];
  const document = documentSource(params, 'Url', 'Method');
  const ended = call.endTime !== undefined || call.hangupRequested;
  if (status !== undefined && status !== 'completed' && status !== 'canceled') {
    throw new TwilioRestError(400, 21218, `Invalid 'Status': ${status} (completed or canceled)`);
  }
  if (status === undefined && document === undefined) {
    throw new TwilioRestError(400, 21205, 'Nothing to update: give Url, Twiml or Status.');
  }
  if (ended) throw new TwilioRestError(400, 21220, 'Call is not in-progress. Cannot redirect.');

  call.updates.push(params);
  call.dateUpdated = new Date();
  if (params['StatusCallback']) Object.assign(call, statusCallback(params));
  if (status !== undefined) call.hangupRequested = true;
  else call.pendingDocument = document;
  // Either way the current step ends: a new document replaces the running one, as a REST
  // redirect does on a live Twilio call (a <Dial> in it ends the stream leg).
  call.step.abort();
}

function documentSource(
  params: Record<string, string>,
  urlName: string,
  methodName: string,
): DocumentSource | undefined {
  const twiml = params['Twiml'];
  const url = params[urlName];
  if (twiml !== undefined) {
    if (twiml.length > MAX_TWIML_CHARS) {
      throw new TwilioRestError(400, 21238, `Twiml is over ${MAX_TWIML_CHARS} characters`);
    }

    return { kind: 'inline', twiml };
  }
  if (url === undefined) return undefined;

  return {
    kind: 'url',
    url: checkedUrl(url, urlName),
    method: httpMethod(params[methodName], methodName),
  };
}

function statusCallback(
  params: Record<string, string>,
): Pick<CallRecord, 'statusCallback' | 'statusCallbackMethod'> {
  const url = params['StatusCallback'];
  const method = httpMethod(params['StatusCallbackMethod'], 'StatusCallbackMethod');

  return url === undefined
    ? { statusCallbackMethod: method }
    : { statusCallback: checkedUrl(url, 'StatusCallback'), statusCallbackMethod: method };
}

/** `StatusCallbackEvent`, repeated or space-separated; Twilio's default is `completed` only. */
function callbackEvents(form: URLSearchParams): Set<string> {
  const events = form.getAll('StatusCallbackEvent').flatMap((value) => value.split(/[\s,]+/));
  const known = events.filter((event) => event !== '');
  for (const event of known) {
    if (!['initiated', 'ringing', 'answered', 'completed'].includes(event)) {
      throw new TwilioRestError(400, 21626, `Invalid 'StatusCallbackEvent': ${event}`);
    }
  }

  return new Set(known.length === 0 ? ['completed'] : known);
}

function checkedUrl(url: string, name: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url;
  } catch {
    // Falls through to Twilio's invalid-URL error.
  }

  throw new TwilioRestError(400, 21205, `Url is not a valid URL: '${name}' must be http(s)`);
}

function httpMethod(value: string | undefined, name: string): 'GET' | 'POST' {
  const method = (value ?? 'POST').toUpperCase();
  if (method === 'GET' || method === 'POST') return method;

  throw new TwilioRestError(400, 21207, `Invalid '${name}': ${value} (GET or POST)`);
}
