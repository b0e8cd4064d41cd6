// What the pipeline needs of the dialogue: the opening, a reply per caller turn as a stream of
// events, DTMF, and the history cut to what the caller heard. The OpenAI agent is adapted to it
// (see agent-brain.ts); the pipeline knows nothing of prompts, tools or the LLM.

/** One caller turn as the recognizer settled it. */
export interface CallerTurn {
  /** Final transcript (never empty). */
  text: string;
  /** Recognizer confidence in 0..1, or null when the provider gives none. */
  confidence: number | null;
  /** BCP-47 language the transcript is in. */
  language: string;
  /** Recognition provider that produced it. */
  provider: string;
}

/** What a reply yields, in order. */
export type BrainEvent =
  /** A complete sentence to speak now (the rest of the reply is still being written). */
  | { type: 'sentence'; text: string }
  /** The dialogue recorded a fact about the lead. */
  | { type: 'fact'; name: string; value: unknown }
  /** The dialogue wants a person to take the call; `reason` is stable (caller_asked, dtmf, …). */
  | { type: 'handoff'; reason: string }
  /** The conversation is over with this outcome; the bot hangs up once its words have played. */
  | { type: 'end'; outcome: string; callbackAt?: string }
  /** The reply is complete; LLM timings when an LLM wrote it, in ms from the reply's start. */
  | { type: 'done'; firstTokenMs?: number; firstSentenceMs?: number };

/** Fixed phrases the pipeline speaks itself. */
export type PhraseName = 'hold' | 'apology' | 'repeat';

/** Where a call's conversation lives (one per call). */
export interface ConversationBrain {
  /** The opening: greeting and disclosure (AI agent, recorded) and the first question. */
  opening(): Promise<string[]>;
  /** The reply to a caller turn; stops early (without throwing) when `signal` aborts. */
  reply(turn: CallerTurn, signal: AbortSignal): AsyncIterable<BrainEvent>;
  /** A key press other than 0 (1 = yes, 2 = no on yes/no prompts); same events as a reply. */
  dtmf(digit: string, signal: AbortSignal): AsyncIterable<BrainEvent>;
  /** Records that the call goes to a person (DTMF 0, no recognizer left) for the outcome. */
  handOff(reason: string): void;
  /** Keeps only `heardText` of the last bot message in the history (barge-in). */
  truncateLastReply(heardText: string): void;
  /** A fixed phrase in the call's current language. */
  phrase(name: PhraseName): string;
  /** BCP-47 language the bot speaks now (follows the caller's switches). */
  readonly language: string;
  /** Facts recorded so far. */
  facts(): Record<string, unknown>;
  /** Outcome once decided (undefined while the call is open). */
  readonly outcome: string | undefined;
  /** Releases the LLM client; idempotent. */
  close(): Promise<void>;
}

/** What a brain is built from at call start. */
export interface BrainContext {
  /** BCP-47 language the call starts in. */
  language: string;
  /** The lead's name, when the control API knows it. */
  leadName?: string;
  /** Control API call id (or the Twilio call sid when none was passed). */
  callId: string;
}

/** Builds one call's brain. */
export type BrainFactory = (context: BrainContext) => ConversationBrain;
