// Checks a send request's form fields as the gateway does, and builds the accepted message.
import { randomUUID } from 'node:crypto';

import type { NotifyChannel, NotifyMessage, TemplateMessage } from './types.js';

/** A request the gateway refuses with 400 `{ status: "error", message }`. */
export class NotifyRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifyRequestError';
  }
}

/** Numbers as the gateway takes them: country code first, optional "+", 8 to 15 digits. */
const PHONE = /^\+?[1-9]\d{7,14}$/;

/** Longest SMS body accepted, in characters (10 concatenated segments of 160). */
const MAX_SMS_CHARS = 1600;

/** Validates the form of a send request and returns the message to record. */
export function acceptMessage(
  channel: NotifyChannel,
  form: URLSearchParams,
  templates: ReadonlySet<string>,
): NotifyMessage {
  const source = form.get('source') ?? '';
  const destination = form.get('destination') ?? '';
  const message = form.get('message') ?? '';
  if (form.get('channel') !== channel) throw new NotifyRequestError(`channel must be '${channel}'`);
  if (!PHONE.test(source)) throw new NotifyRequestError('Invalid Source');
  if (!PHONE.test(destination)) throw new NotifyRequestError('Invalid Destination');
  if (message === '') throw new NotifyRequestError('message is required');

  const accepted = {
    messageId: randomUUID(),
    channel,
    source: source.replace('+', ''),
    destination: destination.replace('+', ''),
    message,
    receivedAt: new Date(),
  };
  if (channel === 'sms') {
    if (message.length > MAX_SMS_CHARS)
      throw new NotifyRequestError(`message over ${MAX_SMS_CHARS} characters`);

    return accepted;
  }

  const template = whatsappTemplate(message, templates);

  return template === undefined ? accepted : { ...accepted, template };
}

/**
 * WhatsApp `message`: JSON, either `{ type: "template", id, params }` or `{ type: "text", text }`.
 */
function whatsappTemplate(
  message: string,
  templates: ReadonlySet<string>,
): TemplateMessage | undefined {
  let parsed: { type?: unknown; id?: unknown; params?: unknown; text?: unknown };
  try {
    parsed = JSON.parse(message) as typeof parsed;
  } catch {
    throw new NotifyRequestError('message must be a JSON object');
  }

  if (parsed?.type === 'text') {
    if (typeof parsed.text !== 'string' || parsed.text === '')
      throw new NotifyRequestError('message.text is required');

    return undefined;
  }
  if (parsed?.type !== 'template')
    throw new NotifyRequestError("message.type must be 'template' or 'text'");
  if (typeof parsed.id !== 'string' || !templates.has(parsed.id)) {
    throw new NotifyRequestError(`Template not found: ${String(parsed.id)}`);
  }
  const params = parsed.params ?? [];
  if (!Array.isArray(params) || !params.every((value) => typeof value === 'string')) {
    throw new NotifyRequestError('message.params must be an array of strings');
  }

  return { id: parsed.id, params };
}
