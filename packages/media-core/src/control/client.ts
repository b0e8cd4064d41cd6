// The media core's client for the control API's internal routes, over one keep-alive pool.
import { Pool } from 'undici';

import { ControlApiError, httpError } from './errors.js';
import type { CallContext, CallEvent, EventSink, PostEventsResult } from './events.js';

/** Options of `ControlClient`. */
export interface ControlClientOptions {
  /** The control API's base URL, e.g. `http://127.0.0.1:3000` (a path prefix is kept). */
  baseUrl: string;
  /** Service token sent as `Authorization: Bearer <token>`. */
  serviceToken: string;
  /** Time-out of each request, connect to last body byte, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Keep-alive connections to the API (default 4). */
  connections?: number;
}

/** Most events one request may carry (the events route's bound). */
export const MAX_EVENTS_PER_REQUEST = 100;

/** A successful answer: status and parsed JSON (undefined for an empty body). */
interface Answer {
  status: number;
  json: unknown;
}

/** Talks to `/internal/v1/…`; every failure is a `ControlApiError`. */
export class ControlClient implements EventSink {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly authorization: string;
  private closed?: Promise<void>;

  constructor(options: ControlClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('baseUrl must be an http(s) URL');
    }
    if (!options.serviceToken) throw new TypeError('serviceToken must be a non-empty string');

    this.timeoutMs = options.timeoutMs ?? 2000;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.serviceToken}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 4,
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
    });
  }

  /** The call's context at stream start; `CONTROL_NOT_FOUND` for an unknown call. */
  async getCallContext(callId: string, signal?: AbortSignal): Promise<CallContext> {
    const answer = await this.request('GET', callPath(callId, 'context'), undefined, [200], signal);

    return parseCallContext(answer.json);
  }

  /** Posts 1..100 events of one call; the API stores each `id` once. */
  async postEvents(
    callId: string,
    events: readonly CallEvent[],
    signal?: AbortSignal,
  ): Promise<PostEventsResult> {
    if (events.length < 1 || events.length > MAX_EVENTS_PER_REQUEST) {
      throw new RangeError(
        `events must hold 1..${MAX_EVENTS_PER_REQUEST} events, got ${events.length}`,
      );
    }
    const answer = await this.request(
      'POST',
      callPath(callId, 'events'),
      { events },
      [200],
      signal,
    );

    return parsePostEventsResult(answer.json);
  }

  /** Asks the API to hand the call to a person (it answers 202 and acts asynchronously). */
  async requestHandoff(callId: string, reason: string, signal?: AbortSignal): Promise<void> {
    if (reason.trim() === '') throw new TypeError('reason must be a non-empty string');

    await this.request('POST', callPath(callId, 'handoff'), { reason }, [200, 202], signal);
  }

  /** Closes the connection pool, letting requests in flight finish. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.pool.close();

    return this.closed;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    expected: number[],
    signal?: AbortSignal,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';

    try {
      const response = await this.pool.request({
        method,
        path: this.basePath + path,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
      const text = await response.body.text();
      if (!expected.includes(response.statusCode)) {
        throw httpError(response.statusCode, text, headerValue(response.headers['retry-after']));
      }

      return { status: response.statusCode, json: text === '' ? undefined : parseJson(text) };
    } catch (error) {
      throw transportError(error, timeout.aborted, signal?.aborted === true);
    }
  }
}

function callPath(callId: string, route: 'context' | 'events' | 'handoff'): string {
  if (callId === '') throw new TypeError('callId must be a non-empty string');

  return `/internal/v1/calls/${encodeURIComponent(callId)}/${route}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ControlApiError('CONTROL_BAD_RESPONSE', 'control API answered invalid JSON', {
      retryable: true,
      cause,
    });
  }
}

/** Maps what undici throws to a `ControlApiError`; our own errors pass through. */
function transportError(error: unknown, timedOut: boolean, aborted: boolean): ControlApiError {
  if (error instanceof ControlApiError) return error;
  if (timedOut) {
    return new ControlApiError('CONTROL_TIMEOUT', 'control API did not answer in time', {
      retryable: true,
      cause: error,
    });
  }
  if (aborted)
    return new ControlApiError('CONTROL_ABORTED', 'request aborted', {
      retryable: true,
      cause: error,
    });

  const reason =
    (error as { code?: string }).code ?? (error instanceof Error ? error.message : 'unknown');

  return new ControlApiError('CONTROL_UNREACHABLE', `control API unreachable (${reason})`, {
    retryable: true,
    cause: error,
  });
}

function badResponse(rule: string): ControlApiError {
  return new ControlApiError('CONTROL_BAD_RESPONSE', `control API answer: ${rule}`, {
    retryable: true,
  });
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Checks the context route's JSON and maps it to `CallContext`. */
function parseCallContext(json: unknown): CallContext {
  const body = (json ?? {}) as Record<string, unknown>;
  const lead = (body['lead'] ?? {}) as Record<string, unknown>;
  for (const field of ['call_id', 'lead_id', 'language'] as const) {
    if (!isString(body[field])) throw badResponse(`${field} must be a non-empty string`);
  }
  for (const field of ['id', 'name', 'language'] as const) {
    if (!isString(lead[field])) throw badResponse(`lead.${field} must be a non-empty string`);
  }
  const direction = body['direction'];
  if (direction !== 'inbound' && direction !== 'outbound')
    throw badResponse('direction must be inbound or outbound');

  const loanType = lead['loan_type'];
  return {
    callId: body['call_id'] as string,
    leadId: body['lead_id'] as string,
    language: body['language'] as string,
    direction,
    lead: {
      id: lead['id'] as string,
      name: lead['name'] as string,
      language: lead['language'] as string,
      ...(isString(loanType) ? { loanType } : {}),
    },
  };
}

function parsePostEventsResult(json: unknown): PostEventsResult {
  const body = (json ?? {}) as Record<string, unknown>;
  const { accepted, duplicates } = body;
  if (!Number.isInteger(accepted) || !Number.isInteger(duplicates)) {
    throw badResponse('accepted and duplicates must be integers');
  }

  return { accepted: accepted as number, duplicates: duplicates as number };
}
