// WhatsApp and SMS through a Gupshup-style REST API over undici, with bounded retries.
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

/** One message to send. */
export interface OutboundMessage {
  /** Channel. */
  channel: 'whatsapp' | 'sms';
  /** E.164 destination. */
  destination: string;
  /** WhatsApp template id (WhatsApp only). */
  template?: string;
  /** Template parameters, in order (WhatsApp only). */
  params?: string[];
  /** Plain text (SMS; WhatsApp session text when no template). */
  text?: string;
}

/** How a send ended after retries. */
export type SendResult =
  | { ok: true; messageId: string; attempts: number }
  | { ok: false; error: string; status: number; attempts: number };

/** Connection and retry settings. */
export interface NotifyClientOptions {
  /** Provider base URL. */
  baseUrl: string;
  /** `apikey` header value. */
  apiKey: string;
  /** Sender id / number. */
  source: string;
  /** Attempts per message, first included. */
  maxAttempts: number;
  /** First retry delay in milliseconds; doubles per attempt. */
  baseDelayMs: number;
  /** Longest wait between attempts in milliseconds, Retry-After included. */
  maxDelayMs?: number;
  /** Per-request time-out in milliseconds. */
  timeoutMs?: number;
}

/** The provider's wire form of one message. */
function formOf(message: OutboundMessage, source: string): URLSearchParams {
  // Gupshup takes numbers as digits with country code and no '+'.
  const destination = message.destination.replace(/^\+/, '');
  const body =
    message.channel === 'whatsapp' && message.template
      ? JSON.stringify({ type: 'template', id: message.template, params: message.params ?? [] })
      : message.channel === 'whatsapp'
        ? JSON.stringify({ type: 'text', text: message.text ?? '' })
        : (message.text ?? '');

  return new URLSearchParams({ channel: message.channel, source, destination, message: body });
}

/** Seconds or an HTTP date, as Retry-After allows (RFC 9110 §10.2.3), in milliseconds. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;

  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);

  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Client of the notification provider. */
export class NotifyClient {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  private closed = false;

  constructor(private readonly options: NotifyClientOptions) {}

  private async attempt(message: OutboundMessage) {
    const path = message.channel === 'whatsapp' ? '/wa/api/v1/msg' : '/sm/api/v1/msg';
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const response = await request(`${this.options.baseUrl}${path}`, {
      method: 'POST',
      dispatcher: this.agent,
      headers: {
        apikey: this.options.apiKey,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: formOf(message, this.options.source).toString(),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = (await response.body.json().catch(() => ({}))) as Record<string, unknown>;

    return { status: response.statusCode, body, retryAfter: response.headers['retry-after'] };
  }

  /** Sends one message; retries 429, 5xx and network errors with backoff, never 4xx. */
  async send(message: OutboundMessage): Promise<SendResult> {
    const maxDelayMs = this.options.maxDelayMs ?? 10_000;
    let lastError = 'not sent';
    let lastStatus = 0;

    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt += 1) {
      let waitMs: number | undefined;
      try {
        const { status, body, retryAfter } = await this.attempt(message);
        if (status < 300 && typeof body['messageId'] === 'string') {
          return { ok: true, messageId: body['messageId'], attempts: attempt };
        }

        lastStatus = status;
        lastError = typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`;
        if (status !== 429 && status < 500)
          return { ok: false, error: lastError, status, attempts: attempt };
        waitMs = retryAfterMs(retryAfter);
      } catch (error) {
        lastStatus = 0;
        lastError = (error as Error).message;
      }

      if (attempt === this.options.maxAttempts) break;
      // Exponential backoff with full jitter, so many senders do not retry in step; the
      // provider's Retry-After wins when it asks for longer.
      const backoffMs = Math.random() * this.options.baseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.min(maxDelayMs, Math.max(backoffMs, waitMs ?? 0)));
    }

    return { ok: false, error: lastError, status: lastStatus, attempts: this.options.maxAttempts };
  }

  /** Closes pooled connections; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    await this.agent.close();
  }
}
