// TwiML documents the API answers with or sends to Twilio.

/** Escapes text for an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const DOCUMENT_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

/** `<Connect><Stream>` to the media core with the call's parameters (Twilio passes each
 *  `<Parameter>` to the stream's `start.customParameters`). */
export function streamTwiml(mediaUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${xmlEscape(name)}" value="${xmlEscape(value)}"/>`)
    .join('');

  return (
    `${DOCUMENT_HEAD}<Response><Connect><Stream url="${xmlEscape(mediaUrl)}">` +
    `${params}</Stream></Connect></Response>`
  );
}

/** Says a short message and hangs up (maintenance, refused callers). */
export function sayAndHangupTwiml(message: string, language = 'en-IN'): string {
  return (
    `${DOCUMENT_HEAD}<Response><Say language="${xmlEscape(language)}">${xmlEscape(message)}</Say>` +
    '<Hangup/></Response>'
  );
}

/** Hand-off: dials an agent number or enqueues the caller; `actionUrl` hears how it ended. */
export function handoffTwiml(
  target: { agentNumber?: string; queue?: string },
  actionUrl: string,
  message = 'Please hold while I connect you to a colleague.',
): string {
  const say = `<Say>${xmlEscape(message)}</Say>`;
  const action = `action="${xmlEscape(actionUrl)}" method="POST"`;
  const verb = target.agentNumber
    ? `<Dial ${action}>${xmlEscape(target.agentNumber)}</Dial>`
    : `<Enqueue ${action}>${xmlEscape(target.queue ?? 'agents')}</Enqueue>`;

  return `${DOCUMENT_HEAD}<Response>${say}${verb}</Response>`;
}
