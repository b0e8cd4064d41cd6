// Sends notifications and records every result in `notifications` (sent, failed, skipped).
import type { Logger } from 'pino';
import { NotifyClient, type OutboundMessage } from './gupshup.js';
import type { ControlApiConfig } from '../config.js';
import type { CallRecord, LeadRecord, NotificationRecord, Store } from '../store/types.js';

/** Links a message to the records it concerns. */
export interface NotificationLinks {
  /** Lead it went to. */
  lead_id?: string | null;
  /** Call that triggered it. */
  call_id?: string | null;
}

/** Sends and records notifications; background sends are awaited by close(). */
export class Notifier {
  private readonly client: NotifyClient | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly config: ControlApiConfig['notify'],
    private readonly log: Logger,
  ) {
    this.client = config.apiKey
      ? new NotifyClient({
          baseUrl: config.apiBaseUrl,
          apiKey: config.apiKey,
          source: config.source,
          maxAttempts: config.maxAttempts,
          baseDelayMs: config.baseDelayMs,
        })
      : undefined;
  }

  /** Sends one message now and records the result. */
  async send(message: OutboundMessage, links: NotificationLinks = {}): Promise<NotificationRecord> {
    const base = {
      lead_id: links.lead_id ?? null,
      call_id: links.call_id ?? null,
      channel: message.channel,
      destination: message.destination,
      template: message.template ?? null,
      body: message.template ? JSON.stringify(message.params ?? []) : (message.text ?? ''),
    };
    if (!this.client) {
      const error = 'no notification provider configured (NOTIFY_API_KEY)';
      return this.store.createNotification({
        ...base,
        status: 'skipped',
        provider_message_id: null,
        attempts: 0,
        error,
      });
    }

    const result = await this.client.send(message);
    if (!result.ok) {
      this.log.warn(
        { channel: message.channel, status: result.status, attempts: result.attempts },
        'notification failed',
      );
    }

    return this.store.createNotification({
      ...base,
      status: result.ok ? 'sent' : 'failed',
      provider_message_id: result.ok ? result.messageId : null,
      attempts: result.attempts,
      error: result.ok ? null : result.error,
    });
  }

  /** After a qualified call: the document checklist on WhatsApp, in the background. */
  sendChecklistLater(lead: LeadRecord, call: CallRecord): void {
    if (this.closed) return;

    const message: OutboundMessage = {
      channel: 'whatsapp',
      destination: lead.phone,
      template: this.config.checklistTemplate,
      params: [lead.name, lead.loan_type ?? 'loan'],
    };
    const task = this.send(message, { lead_id: lead.id, call_id: call.id })
      .catch((error: unknown) =>
        this.log.error({ err: error, callId: call.id }, 'checklist not recorded'),
      )
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Waits for background sends, then closes the client; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    await Promise.allSettled([...this.pending]);
    await this.client?.close();
  }
}
