// The call events the pipeline reports to the control plane, through the outbox (which never
// blocks and never drops them). Payload fields follow the control API's events route.
import type { NewCallEvent } from '../control/events.js';
import type { CallerTurn } from './brain.js';
import type { TurnLatency } from './turn-latency.js';

/** Where call events go: the Outbox (its `enqueue` returns at once). */
export interface CallEventTarget {
  /** Queues one event of a call; returns its idempotency key. */
  enqueue(callId: string, event: NewCallEvent): string;
}

/** One call's event reporter. */
export class CallEvents {
  constructor(
    private readonly target: CallEventTarget | undefined,
    private readonly callId: string,
  ) {}

  /** The stream started. */
  callStarted(payload: {
    callSid: string;
    streamSid: string;
    language: string;
    leadId?: string;
  }): void {
    this.emit('call_started', payload);
  }

  /** The caller said something (the final transcript). */
  callerTurn(turn: CallerTurn): void {
    const { text, confidence, language, provider } = turn;
    this.emit('turn', { role: 'caller', text, confidence, language, provider });
  }

  /** The bot said something: only the words the caller heard; `interrupted` after a barge-in. */
  agentTurn(
    text: string,
    language: string,
    latency: TurnLatency | undefined,
    interrupted: boolean,
  ): void {
    this.emit('turn', {
      role: 'agent',
      text,
      language,
      interrupted,
      ...(latency ? { latency } : {}),
    });
  }

  /** The caller spoke over the bot. */
  bargeIn(payload: { reactionMs: number; heardText: string; playedMs: number }): void {
    this.emit('bargein', payload);
  }

  /** A barge-in turned out to be noise: the bot resumed. */
  falseBargeIn(resumedText: string): void {
    this.emit('bargein', { false: true, resumedText });
  }

  /** Recognition moved to another provider. */
  asrFailover(payload: { from: string; to: string; reason: string; replayMs: number }): void {
    this.emit('asr_failover', payload);
  }

  /** The dialogue recorded a fact. */
  fact(name: string, value: unknown): void {
    this.emit('fact', { name, value });
  }

  /** A key press. */
  dtmf(digit: string): void {
    this.emit('dtmf', { digit });
  }

  /** A hand-off to a person was asked for. */
  handoffRequested(reason: string): void {
    this.emit('handoff_requested', { reason });
  }

  /** The call's outcome and the facts behind it. */
  outcome(outcome: string, facts: Record<string, unknown>, callbackAt?: string): void {
    this.emit('outcome', { outcome, facts, ...(callbackAt ? { callback_at: callbackAt } : {}) });
  }

  /** Per-stage latency over the call's turns. */
  latencySummary(summary: Record<string, unknown>): void {
    this.emit('latency_summary', summary);
  }

  /** The stream ended. */
  callEnded(payload: {
    reason: string;
    duration_s: number;
    turns: number;
    bargeIns: number;
  }): void {
    this.emit('call_ended', payload);
  }

  private emit(type: NewCallEvent['type'], payload: Record<string, unknown>): void {
    this.target?.enqueue(this.callId, { type, payload });
  }
}
