// Drives the media core's loan agent (the real `openai` SDK inside) against the emulator:
// fixture texts in as caller turns, the agent's events out.
import assert from 'node:assert/strict';
import {
  DialoguePolicy,
  LoanAgent,
  loadLlmConfig,
  type AgentEvent,
  type LlmConfig,
} from '@voice-agent/media-core/dialogue';
import {
  loadConversationScript,
  loadFixtureManifest,
  utteranceOf,
  type FixtureManifest,
} from '../../src/script/conversation-script.js';

/** The clock of every test call: 1 June 2025, 10:00 IST. */
export const callNow = Date.parse('2025-06-01T10:00:00+05:30');

/** What one turn produced. */
export interface TurnResult {
  /** The sentences, in order. */
  sentences: string[];
  /** performance.now() when each sentence arrived. */
  sentenceTimes: number[];
  /** Tool calls and the policy's replies. */
  tools: Extract<AgentEvent, { type: 'tool' }>[];
  /** The closing event. */
  done: Extract<AgentEvent, { type: 'done' }>;
}

/** A policy and agent for one call against the emulator at `baseUrl`. */
export function newCall(
  baseUrl: string,
  language: string,
  llm: Partial<LlmConfig> = {},
): LoanAgent {
  const policy = new DialoguePolicy({ leadName: 'Rahul Sharma', language, now: () => callNow });
  const config = { ...loadLlmConfig({ OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: '' }), ...llm };

  return new LoanAgent({ policy, llm: config, now: () => callNow });
}

/** Plays one caller turn and gathers its events. */
export async function turn(
  agent: LoanAgent,
  text: string,
  language: string,
  options: { signal?: AbortSignal; onSentence?: (text: string) => void } = {},
): Promise<TurnResult> {
  const result: Omit<TurnResult, 'done'> = { sentences: [], sentenceTimes: [], tools: [] };
  const events = agent.respond({ text, language, confidence: 0.92 }, options.signal);

  for await (const event of events) {
    if (event.type === 'sentence') {
      result.sentences.push(event.text);
      result.sentenceTimes.push(performance.now());
      options.onSentence?.(event.text);
    } else if (event.type === 'tool') {
      result.tools.push(event);
    } else {
      return { ...result, done: event };
    }
  }

  throw new Error('the turn ended without a done event');
}

let manifest: Promise<FixtureManifest> | undefined;

/** The caller turns of a fixture script: the utterance texts, and DTMF keys as `dtmf:N`. */
export async function scriptTurns(
  name: string,
): Promise<{ language: string; outcome?: string; turns: string[] }> {
  manifest ??= loadFixtureManifest();
  const fixtures = await manifest;
  const script = await loadConversationScript(name, { manifest: fixtures });
  const turns = script.turns.map((step) =>
    step.action.kind === 'say'
      ? utteranceOf(fixtures, step.action.utteranceId).text
      : `dtmf:${step.action.digit}`,
  );

  return { language: script.language, outcome: script.expectedOutcome, turns };
}

/** The text of one utterance fixture, e.g. `hi-IN.amount`. */
export async function utterance(id: string): Promise<string> {
  manifest ??= loadFixtureManifest();

  return utteranceOf(await manifest, id).text;
}

/** A message of the agent's history, as far as the check below reads it. */
interface HistoryMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string }[];
  tool_call_id?: string;
}

/**
 * Asserts the history is one the chat-completions API accepts: every assistant message with
 * tool calls is followed by one `tool` message per call id, before any other message, and no
 * `tool` message answers a call that was not made.
 */
export function assertValidHistory(history: readonly HistoryMessage[]): void {
  let open: string[] = [];
  for (const [index, message] of history.entries()) {
    if (message.role === 'tool') {
      assert.ok(
        open.includes(message.tool_call_id ?? ''),
        `history[${index}]: unasked tool result`,
      );
      open = open.filter((id) => id !== message.tool_call_id);
      continue;
    }

    assert.deepEqual(open, [], `history[${index}]: tool calls left without results`);
    open = message.tool_calls?.map((call) => call.id) ?? [];
  }

  assert.deepEqual(open, [], 'the history ends with tool calls left without results');
}
