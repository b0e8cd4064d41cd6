// The public shape of the notification emulator (a Gupshup-style WhatsApp and SMS gateway).
import type { Logger } from 'pino';

/** The two channels the gateway sends on. */
export type NotifyChannel = 'whatsapp' | 'sms';

/** Options of `startNotifyEmulator`. */
export interface NotifyEmulatorOptions {
  /** The key clients must send in the `apikey` header. */
  apiKey: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** WhatsApp template ids the account has approved; others are refused (default: none). */
  templates?: string[];
  /** Logger; default: silent. */
  log?: Logger;
}

/** A fault the gateway plays on the next requests (admin routes excepted). */
export type NotifyFault =
  /** The next `count` requests get 429 with `Retry-After: retryAfterS` (default 1 s). */
  | { kind: 'rate-limit'; count: number; retryAfterS?: number }
  /** The next `count` requests get `status` (default 503). */
  | { kind: 'server-error'; count: number; status?: number }
  /** The next `count` requests (all, when absent) are answered `latencyMs` later. */
  | { kind: 'latency'; latencyMs: number; count?: number };

/** A WhatsApp template message as the `message` field carries it. */
export interface TemplateMessage {
  /** Template id. */
  id: string;
  /** Values for the template's placeholders, in order. */
  params: string[];
}

/** A message the gateway accepted. */
export interface NotifyMessage {
  /** Id answered to the client. */
  messageId: string;
  /** Channel of the route it came on. */
  channel: NotifyChannel;
  /** Sender number or WhatsApp business number (digits, country code first). */
  source: string;
  /** Receiver (digits, country code first). */
  destination: string;
  /** The `message` field as sent. */
  message: string;
  /** The parsed template, for WhatsApp template messages. */
  template?: TemplateMessage;
  /** When it arrived. */
  receivedAt: Date;
}

/** A running notification emulator. */
export interface NotifyEmulator {
  /** `http://127.0.0.1:PORT`, in place of `https://api.gupshup.io`. */
  readonly baseUrl: string;
  /** Accepted messages, oldest first. */
  readonly messages: ReadonlyArray<NotifyMessage>;
  /** Adds a fault; it acts on the requests that come after. */
  inject(fault: NotifyFault): void;
  /** Removes every pending fault. */
  clearFaults(): void;
  /** Stops listening. Idempotent. */
  close(): Promise<void>;
}
