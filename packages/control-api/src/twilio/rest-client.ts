// Twilio's Calls API over undici: create and update calls, Basic auth AccountSid:AuthToken.
import { Agent, request } from 'undici';

/** A Twilio REST failure; `retryable` for 429/5xx and network errors. */
export class TwilioError extends Error {
  /** Stable code. */
  readonly code = 'twilio_error';
  /** Provider name. */
  readonly provider = 'twilio';
  /** HTTP status, 0 for network failures. */
  readonly status: number;
  /** Twilio's own error code, when it sent one. */
  readonly twilioCode: number | undefined;
  /** Whether trying again may help. */
  readonly retryable: boolean;

  constructor(message: string, status: number, twilioCode?: number, cause?: unknown) {
    super(message, { cause });
    this.name = 'TwilioError';
    this.status = status;
    this.twilioCode = twilioCode;
    this.retryable = status === 0 || status === 429 || status >= 500;
  }
}

/** The part of Twilio's call resource we read. */
export interface TwilioCall {
  /** CallSid, `CA…`. */
  sid: string;
  /** Twilio call status. */
  status: string;
}

/** Options of a new outbound call. */
export interface CreateCallParams {
  /** E.164 callee. */
  to: string;
  /** E.164 caller id. */
  from: string;
  /** URL Twilio fetches for TwiML when the call is answered. */
  url: string;
  /** URL that receives status callbacks. */
  statusCallback: string;
}

/** Connection settings. */
export interface TwilioRestOptions {
  /** `https://api.twilio.com` or an emulator. */
  baseUrl: string;
  /** Account SID. */
  accountSid: string;
  /** Auth token ('' when unset). */
  authToken: string;
  /** Per-request time-out in milliseconds. */
  timeoutMs: number;
}

/** Status callback events we ask for: every step, so the call record follows the call. */
const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/** Client of the Calls API. */
export class TwilioRestClient {
  private readonly agent: Agent;
  private readonly auth: string;
  private closed = false;

  constructor(private readonly options: TwilioRestOptions) {
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    this.auth = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  }

  private callsUrl(suffix: string): string {
    const account = encodeURIComponent(this.options.accountSid);
    return `${this.options.baseUrl}/2010-04-01/Accounts/${account}/Calls${suffix}`;
  }

  private async post(url: string, form: URLSearchParams): Promise<TwilioCall> {
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          authorization: `Basic ${this.auth}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
    } catch (error) {
      throw new TwilioError(`Twilio unreachable: ${(error as Error).message}`, 0, undefined, error);
    }

    const body = (await response.body.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.statusCode >= 300) {
      const message = typeof body['message'] === 'string' ? body['message'] : 'Twilio refused';
      const code = typeof body['code'] === 'number' ? body['code'] : undefined;
      throw new TwilioError(message, response.statusCode, code);
    }
    if (typeof body['sid'] !== 'string') {
      throw new TwilioError('Twilio answer has no sid', response.statusCode);
    }

    return { sid: body['sid'], status: String(body['status'] ?? 'queued') };
  }

  /** Places an outbound call (`POST …/Calls.json`). */
  async createCall(params: CreateCallParams): Promise<TwilioCall> {
    const form = new URLSearchParams({
      To: params.to,
      From: params.from,
      Url: params.url,
      Method: 'POST',
      StatusCallback: params.statusCallback,
      StatusCallbackMethod: 'POST',
    });
    // Twilio reads StatusCallbackEvent as a repeated parameter, one event per value.
    for (const event of STATUS_EVENTS) form.append('StatusCallbackEvent', event);

    return this.post(this.callsUrl('.json'), form);
  }

  /** Redirects a live call to new TwiML (`POST …/Calls/{CallSid}.json` with `Twiml`). */
  async updateCallTwiml(callSid: string, twiml: string): Promise<TwilioCall> {
    const url = this.callsUrl(`/${encodeURIComponent(callSid)}.json`);
    return this.post(url, new URLSearchParams({ Twiml: twiml }));
  }

  /** Hangs up a live call. */
  async hangUp(callSid: string): Promise<TwilioCall> {
    const url = this.callsUrl(`/${encodeURIComponent(callSid)}.json`);
    return this.post(url, new URLSearchParams({ Status: 'completed' }));
  }

  /** Closes pooled connections; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    await this.agent.close();
  }
}
