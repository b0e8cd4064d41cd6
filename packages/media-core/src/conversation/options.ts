// Tunables of a call's conversation, with their defaults.

/** Timing choices of the conversation (all in ms). */
export interface ConversationOptions {
  /** BARGE_IN_MIN_SPEECH_MS: voiced caller audio that interrupts the bot; default 200. */
  bargeInMinSpeechMs: number;
  /**
   * BARGE_IN_FALSE_MS: no words this long after the caller's speech ends means noise; default 1500.
   */
  bargeInFalseMs: number;
  /**
   * OPENING_WAIT_MS: on an outbound call the callee usually says "hello" first; the bot waits
   * this long (caller audio time) for it before speaking its opening anyway; default 1200.
   */
  openingWaitMs: number;
  /**
   * How long the call context from the control API may take before parameters are used; default
   * 300.
   */
  contextTimeoutMs: number;
  /** Language when neither Twilio parameters nor the control API give one; default en-IN. */
  defaultLanguage: string;
  /** Pause after the last words before the bot hangs up, in ms of wall time; default 300. */
  hangupGraceMs: number;
}

/** The defaults. */
export const DEFAULT_CONVERSATION_OPTIONS: ConversationOptions = {
  bargeInMinSpeechMs: 200,
  bargeInFalseMs: 1500,
  openingWaitMs: 1200,
  contextTimeoutMs: 300,
  defaultLanguage: 'en-IN',
  hangupGraceMs: 300,
};
