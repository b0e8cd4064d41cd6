// The system prompt of a turn: the language's template with the call state filled in. The
// state is plain `key: value` lines, readable by a model and by the rule-based emulator.
import { factOrder } from './facts.js';
import { fillPhrase } from './phrases.js';
import type { DialoguePolicy, NextStep } from './policy.js';

/** Who the bot is, filled into prompts and phrases. */
export interface AgentIdentity {
  /** The bot's name, e.g. "Asha". */
  agentName: string;
  /** The lender it calls for. */
  lenderName: string;
}

const languageNames: Record<string, string> = {
  'en-IN': 'English (India)',
  'hi-IN': 'Hindi',
  'ta-IN': 'Tamil',
};

/** One line that says what the bot does next: `ask amount_inr`, `end callback <time>`. */
export function stepLine(step: NextStep): string {
  switch (step.action) {
    case 'ask':
      return `ask ${step.fact}`;
    case 'end':
      return ['end', step.outcome, step.callbackAt].filter(Boolean).join(' ');
    case 'hand_off':
      return `hand_off ${step.reason}`;
    default:
      return step.action;
  }
}

/** Formats a time as ISO 8601 in a fixed offset (IST is +330 minutes). */
export function isoWithOffset(timeMs: number, offsetMinutes: number): string {
  const local = new Date(timeMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');

  return `${local}${sign}${hours}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The state block: language, time, lead, facts so far, the order facts are asked in (so the
 * model can word the question after the facts it records in the same response) and the next step.
 */
export function callState(policy: DialoguePolicy, nowMs: number, offsetMinutes: number): string {
  const language = policy.language;

  return [
    `language: ${language} (${languageNames[language] ?? language})`,
    `now: ${isoWithOffset(nowMs, offsetMinutes)}`,
    `lead_name: ${policy.leadName}`,
    `facts: ${JSON.stringify(policy.facts)}`,
    `order: ${factOrder.join(', ')}`,
    `next: ${stepLine(policy.next())}`,
  ].join('\n');
}

/** The whole system prompt of a turn. */
export function systemPrompt(template: string, identity: AgentIdentity, state: string): string {
  return fillPhrase(template, { ...identity }).replace('{{state}}', state);
}
