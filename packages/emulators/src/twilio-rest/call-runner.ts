// The life of one emulated call after the create request was answered: ring, answer, fetch and
// run TwiML, hand streams to `onStream`, follow redirects, and post status callbacks.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

import type { CallRecord, DocumentSource } from './call-record.js';
import { rfc2822 } from './call-record.js';
import { computeTwilioSignature } from './signature.js';
import { parseTwiml, type TwimlElement } from './twiml.js';
import type { CallOutcome, StreamRequest } from './types.js';

/** What the runner needs from the emulator. */
export interface RunnerContext {
  /** Key the webhooks are signed with. */
  authToken: string;
  /** Stream hook (see `TwilioRestEmulatorOptions.onStream`). */
  onStream?: (stream: StreamRequest) => Promise<void>;
  /** Outcome per called number. */
  outcome: (to: string) => CallOutcome;
  /** Ring time in milliseconds. */
  ringMs: number;
  /** Webhook time-out in milliseconds. */
  webhookTimeoutMs: number;
  /** Aborted when the emulator closes. */
  closed: AbortSignal;
  /** Emulator logger. */
  log: Logger;
}

/** A TwiML run ends by running out of verbs, by `<Hangup>`, or by `<Redirect>` to a document. */
type DocumentEnd = { kind: 'end' } | { kind: 'hangup' } | { kind: 'next'; source: DocumentSource };

/** Bound on documents per call (redirect loops); Twilio stops a call that redirects endlessly. */
const MAX_DOCUMENTS = 20;

/** Runs the call to its end; never rejects. */
export async function runCall(context: RunnerContext, call: CallRecord): Promise<void> {
  try {
    await ringAndRun(context, call);
  } catch (error) {
    if (!context.closed.aborted)
      context.log.error({ err: error, callSid: call.sid }, 'call failed');
  }
}

async function ringAndRun(context: RunnerContext, call: CallRecord): Promise<void> {
  await postStatus(context, call, 'initiated', 'initiated');
  setStatus(call, 'ringing');
  await postStatus(context, call, 'ringing', 'ringing');
  await pause(context.ringMs, stepSignal(context, call));
  if (context.closed.aborted) return;

  if (call.hangupRequested) return finish(context, call, 'canceled');
  const outcome = context.outcome(call.to);
  if (outcome !== 'completed') return finish(context, call, outcome);

  call.startTime = new Date();
  setStatus(call, 'in-progress');
  await postStatus(context, call, 'answered', 'in-progress');
  await runDocuments(context, call);
  if (context.closed.aborted) return;

  await finish(context, call, 'completed');
}

/** Runs the first document, then each redirect (from TwiML or from an update) in turn. */
async function runDocuments(context: RunnerContext, call: CallRecord): Promise<void> {
  let next: DocumentSource | undefined = call.initialDocument;

  for (let count = 0; count < MAX_DOCUMENTS && !call.hangupRequested; count++) {
    // A fresh step per document: an update aborts the step it interrupts, not the next one.
    call.step = new AbortController();
    const source: DocumentSource | undefined = call.pendingDocument ?? next;
    call.pendingDocument = undefined;
    if (source === undefined || context.closed.aborted) return;

    const end = await runSource(context, call, source);
    if (end.kind === 'hangup') return;
    next = end.kind === 'next' ? end.source : undefined;
  }
}

async function runSource(
  context: RunnerContext,
  call: CallRecord,
  source: DocumentSource,
): Promise<DocumentEnd> {
  const signal = stepSignal(context, call);
  let twiml: string;
  try {
    twiml =
      source.kind === 'inline' ? source.twiml : await fetchTwiml(context, call, source, signal);
  } catch (error) {
    if (signal.aborted) return { kind: 'end' };
    // Twilio 11200: the TwiML could not be retrieved; the caller hears an application error.
    recordError(call, 11200, error);

    return { kind: 'hangup' };
  }

  call.twiml ??= twiml;
  try {
    const documentUrl = source.kind === 'url' ? source.url : undefined;

    return await runVerbs(context, call, parseTwiml(twiml), documentUrl, signal);
  } catch (error) {
    recordError(call, 12100, error);

    return { kind: 'hangup' };
  }
}

async function runVerbs(
  context: RunnerContext,
  call: CallRecord,
  response: TwimlElement,
  documentUrl: string | undefined,
  signal: AbortSignal,
): Promise<DocumentEnd> {
  for (const verb of response.children) {
    if (signal.aborted) return { kind: 'end' };

    if (verb.name === 'Connect') await runConnect(context, call, verb, signal);
    else call.actions.push(describe(verb));

    if (verb.name === 'Hangup' || verb.name === 'Reject') return { kind: 'hangup' };
    if (verb.name === 'Redirect') {
      const url = new URL(verb.text, documentUrl).toString();
      const method = verb.attributes['method']?.toUpperCase() === 'GET' ? 'GET' : 'POST';

      return { kind: 'next', source: { kind: 'url', url, method } };
    }
    // Limit: <Gather>, <Record>, <Enqueue>, one-way <Start><Stream> and the `action` URLs of
    // <Dial>/<Connect> are only recorded, never followed, so flows that depend on them cannot
    // be emulated.
  }

  return { kind: 'end' };
}

/** `<Connect><Stream>`: hand the stream to `onStream` and wait until it ends or is cut. */
async function runConnect(
  context: RunnerContext,
  call: CallRecord,
  connect: TwimlElement,
  signal: AbortSignal,
): Promise<void> {
  const stream = connect.children.find((child) => child.name === 'Stream');
  if (stream === undefined) {
    call.actions.push(describe(connect));

    return;
  }

  const parameters: Record<string, string> = {};
  for (const parameter of stream.children.filter((child) => child.name === 'Parameter')) {
    parameters[parameter.attributes['name'] ?? ''] = parameter.attributes['value'] ?? '';
  }
  const url = stream.attributes['url'] ?? '';
  call.actions.push({ verb: 'Connect/Stream', attributes: { ...stream.attributes }, parameters });
  if (context.onStream === undefined) return;

  const ended = context.onStream({ url, parameters, callSid: call.sid, signal }).catch((error) => {
    // Twilio 31920: the stream could not be set up; the call goes on with the next verb.
    recordError(call, 31920, error);
  });
  await Promise.race([ended, aborted(signal)]);
}

function describe(verb: TwimlElement): {
  verb: string;
  attributes: Record<string, string>;
  text?: string;
} {
  const attributes = { ...verb.attributes };
  for (const noun of verb.children)
    attributes[noun.name] = noun.text || noun.attributes['url'] || '';

  return verb.text === ''
    ? { verb: verb.name, attributes }
    : { verb: verb.name, attributes, text: verb.text };
}

function recordError(call: CallRecord, code: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  call.actions.push({ verb: 'Error', attributes: { code: String(code), message } });
}

async function fetchTwiml(
  context: RunnerContext,
  call: CallRecord,
  source: { url: string; method: 'GET' | 'POST' },
  signal: AbortSignal,
): Promise<string> {
  const params = { ...callParams(call), CallStatus: call.status };
  const response = await sendWebhook(context, source.url, source.method, params, signal);
  const body = await response.text();
  if (!response.ok) throw new Error(`TwiML URL answered HTTP ${response.status}`);

  return body;
}

/** Ends the call with its final status and posts the `completed` status callback. */
async function finish(context: RunnerContext, call: CallRecord, status: string): Promise<void> {
  call.endTime = new Date();
  const answeredMs =
    call.startTime === undefined ? 0 : call.endTime.getTime() - call.startTime.getTime();
  call.durationS = Math.ceil(answeredMs / 1000);
  setStatus(call, status);

  await postStatus(context, call, 'completed', status, { CallDuration: String(call.durationS) });
}

async function postStatus(
  context: RunnerContext,
  call: CallRecord,
  event: string,
  callStatus: string,
  extra: Record<string, string> = {},
): Promise<void> {
  if (call.statusCallback === undefined || !call.statusCallbackEvents.has(event)) return;
  if (context.closed.aborted) return;

  const params = {
    ...callParams(call),
    CallStatus: callStatus,
    ...extra,
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(call.callbackSequence++),
    Timestamp: rfc2822(new Date()) ?? '',
  };
  let httpStatus = 0;
  try {
    const response = await sendWebhook(
      context,
      call.statusCallback,
      call.statusCallbackMethod,
      params,
      context.closed,
    );
    await response.arrayBuffer();
    httpStatus = response.status;
  } catch (error) {
    // Twilio does not retry a failed status callback; it notes a debugger warning (15003).
    context.log.warn({ err: error, callSid: call.sid }, 'status callback failed');
  }
  call.callbacks.push({ callStatus, httpStatus });
}

/** The parameters Twilio sends with every voice webhook of an outbound-api call. */
function callParams(call: CallRecord): Record<string, string> {
  return {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.sid,
    Called: call.to,
    Caller: call.from,
    Direction: 'outbound-api',
    From: call.from,
    To: call.to,
  };
}

/** Sends a signed webhook: POST form-encoded, or GET with the parameters in the query. */
async function sendWebhook(
  context: RunnerContext,
  url: string,
  method: 'GET' | 'POST',
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<Response> {
  const query = new URLSearchParams(params).toString();
  const target = method === 'GET' ? url + (url.includes('?') ? '&' : '?') + query : url;
  const signature = computeTwilioSignature(
    context.authToken,
    target,
    method === 'GET' ? {} : params,
  );
  const headers: Record<string, string> = {
    'x-twilio-signature': signature,
    'user-agent': 'TwilioProxy/1.1',
    accept: '*/*',
  };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';

  return fetch(target, {
    method,
    headers,
    body: method === 'POST' ? query : undefined,
    signal: AbortSignal.any([signal, AbortSignal.timeout(context.webhookTimeoutMs)]),
  });
}

function setStatus(call: CallRecord, status: string): void {
  call.status = status;
  call.dateUpdated = new Date();
}

function stepSignal(context: RunnerContext, call: CallRecord): AbortSignal {
  return AbortSignal.any([call.step.signal, context.closed]);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();

  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

async function pause(delayMs: number, signal: AbortSignal): Promise<void> {
  if (delayMs <= 0) return;
  await sleep(delayMs, undefined, { signal }).catch(() => undefined);
}
