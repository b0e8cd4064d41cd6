// Reads what the agent put in the conversation: the `key: value` call-state lines of the system
// prompt and the `next` of the latest tool result.

/** The state of the call, as the agent's system prompt tells it. */
export interface CallState {
  /** BCP-47 language to answer in (en-IN when the prompt does not say). */
  language: string;
  /** The caller's local time, ISO 8601 with offset (undefined when the prompt does not say). */
  now: string | undefined;
  /** The lead's name. */
  leadName: string;
  /** Facts recorded so far. */
  facts: Record<string, unknown>;
  /** The next step: `ask amount_inr`, `confirm`, `end callback <time>`, `hand_off dtmf`. */
  next: string;
}

/** A chat message as the emulator reads it. */
export interface ChatMessage {
  /** system, user, assistant or tool. */
  role: string;
  /** Text content (array content parts are joined). */
  content: string;
  /** Tool calls of an assistant message. */
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** Parses the call state out of the system prompt (and a newer `next` from a tool result). */
export function readCallState(messages: readonly ChatMessage[]): CallState {
  const system = messages.find((message) => message.role === 'system')?.content ?? '';
  const lines = new Map<string, string>();
  for (const match of system.matchAll(/^([a-z_]+): (.*)$/gm)) {
    lines.set(match[1] ?? '', (match[2] ?? '').trim());
  }

  return {
    language: /^([a-z]{2}-[A-Z]{2})/.exec(lines.get('language') ?? '')?.[1] ?? 'en-IN',
    now: lines.get('now'),
    leadName: lines.get('lead_name') ?? 'there',
    facts: parseFacts(lines.get('facts')),
    next: latestToolNext(messages) ?? lines.get('next') ?? 'ask name_confirmed',
  };
}

function parseFacts(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The `next` of the last tool result, when tool results follow the last caller message. */
function latestToolNext(messages: readonly ChatMessage[]): string | undefined {
  const last = messages.at(-1);
  if (last?.role !== 'tool') return undefined;

  try {
    const result = JSON.parse(last.content) as { next?: Record<string, unknown> };
    const next = result.next;
    if (!next || typeof next.action !== 'string') return undefined;

    const detail = [next.fact, next.outcome, next.callbackAt, next.reason].filter(
      (part) => typeof part === 'string',
    );
    return [next.action, ...detail].join(' ');
  } catch {
    return undefined;
  }
}

/** Whether the last tool result refused the value it was given. */
export function lastToolRefused(messages: readonly ChatMessage[]): boolean {
  const last = messages.at(-1);
  if (last?.role !== 'tool') return false;

  return /"ok"\s*:\s*false/.test(last.content);
}
