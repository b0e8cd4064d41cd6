// A call's state inside the emulator, and the JSON resource Twilio answers for it.
import { randomBytes } from 'node:crypto';

import type { EmulatedCall } from './types.js';

/** Where the call's next TwiML document comes from. */
export type DocumentSource =
  { kind: 'inline'; twiml: string } | { kind: 'url'; url: string; method: 'GET' | 'POST' };

/** The emulator's full record of one call (the public view is its `EmulatedCall` part). */
export interface CallRecord extends EmulatedCall {
  /** Account that created it. */
  accountSid: string;
  /** The first TwiML source (the create request's `Twiml` or `Url`). */
  initialDocument: DocumentSource;
  /** `StatusCallback` URL, if any. */
  statusCallback?: string;
  /** `StatusCallbackMethod` (default POST). */
  statusCallbackMethod: 'GET' | 'POST';
  /** `StatusCallbackEvent` values requested (`completed` is always sent when there is a URL). */
  statusCallbackEvents: Set<string>;
  /** Counts the status callbacks sent (Twilio's `SequenceNumber`). */
  callbackSequence: number;
  /** Creation time. */
  dateCreated: Date;
  /** Last change. */
  dateUpdated: Date;
  /** When the callee answered. */
  startTime?: Date;
  /** When the call ended. */
  endTime?: Date;
  /** Duration in whole seconds (rounded up, as Twilio bills), once ended. */
  durationS?: number;
  /** Set by an update that redirects the live call; taken by the runner. */
  pendingDocument?: DocumentSource;
  /** Set by an update with `Status=completed|canceled`. */
  hangupRequested: boolean;
  /** Aborts whatever the call is doing now (a ring, a stream leg, a webhook). */
  step: AbortController;
  /** Settles when the lifecycle has ended. */
  done?: Promise<void>;
}

/** A new call SID: "CA" followed by 32 hex digits. */
export function newCallSid(): string {
  return 'CA' + randomBytes(16).toString('hex');
}

/** Twilio's date format in resources (RFC 2822, "+0000"). */
export function rfc2822(date: Date | undefined): string | null {
  return date === undefined ? null : date.toUTCString().replace('GMT', '+0000');
}

/** The call resource JSON, field for field as Twilio's Calls API answers it. */
export function callResource(call: CallRecord): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}.json`;
  const base = uri.slice(0, -'.json'.length);

  return {
    account_sid: call.accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    direction: 'outbound-api',
    duration: call.durationS === undefined ? null : String(call.durationS),
    end_time: rfc2822(call.endTime),
    forwarded_from: null,
    from: call.from,
    from_formatted: call.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: call.sid,
    start_time: rfc2822(call.startTime),
    status: call.status,
    subresource_uris: {
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      streams: `${base}/Streams.json`,
      events: `${base}/Events.json`,
    },
    to: call.to,
    to_formatted: call.to,
    trunk_sid: null,
    uri,
  };
}
