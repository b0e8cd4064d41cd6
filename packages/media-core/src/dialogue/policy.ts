// The conversation policy of a loan call: a pure state machine (no I/O, no LLM) that decides
// what comes next (the fact to ask, the read-back, the end, a hand-off). The LLM only words it.
import type { FactName, LoanFacts } from './facts.js';
import { FactError, factOrder, isFactName, normaliseFact } from './facts.js';
import { dialogueLanguages } from './phrases.js';
import type {
  QualificationResult,
  QualificationRules,
  QualificationRulesInput,
} from './qualification.js';
import { assessQualification, qualificationRules } from './qualification.js';

/** How a call ended. */
export type CallOutcome =
  'qualified' | 'not_qualified' | 'callback' | 'do_not_call' | 'not_interested' | 'handed_off';

/** Why a call goes to a person. */
export type HandOffReason =
  'caller_asked' | 'dtmf' | 'low_confidence' | 'amount_above_limit' | 'llm_failure';

/** What the bot does next. */
export type NextStep =
  /** Ask for this fact. */
  | { action: 'ask'; fact: FactName }
  /** Read the collected facts back and ask the caller to confirm them. */
  | { action: 'confirm' }
  /** The caller was not understood (low recognition confidence): ask them to say it again. */
  | { action: 'repeat' }
  /** Say goodbye: the call is over with this outcome. */
  | { action: 'end'; outcome: CallOutcome; callbackAt?: string }
  /** Pass the call to a person. */
  | { action: 'hand_off'; reason: HandOffReason };

/** What the policy answers to a tool call: sent back to the LLM as the tool result. */
export interface PolicyReply {
  /** False when the call was refused (bad value, call over); `error` says why. */
  ok: boolean;
  /** Why it was refused, naming the field and the rule. */
  error?: string;
  /** What comes next after the call. */
  next: NextStep;
}

/** One final transcript of the caller, as the policy sees it. */
export interface CallerTurn {
  /** The words (only their presence matters here). */
  text: string;
  /** Recognition confidence, 0-1, when the recognizer gave one. */
  confidence?: number;
  /** BCP-47 language the recognizer detected, when it did. */
  language?: string;
}

/** When repeated low recognition confidence hands the call to a person. */
export interface LowConfidenceRule {
  /** A final transcript below this confidence (0-1) counts as not understood. */
  threshold: number;
  /** This many not-understood turns in a row hand the call off. */
  count: number;
}

/** How a policy starts. */
export interface PolicyOptions {
  /** The lead's name, confirmed at the start of the call. */
  leadName: string;
  /** The call's language at the start (BCP-47, e.g. en-IN). */
  language: string;
  /** Languages the bot can speak; a caller switching to another keeps the current one. */
  languages?: readonly string[];
  /** Qualification rules; what is left out keeps its default. */
  rules?: QualificationRulesInput;
  /** Low-confidence hand-off (default: below 0.5, 2 turns in a row). */
  lowConfidence?: LowConfidenceRule;
  /** Longest a call-back may be scheduled ahead, in ms (default 30 days). */
  maxCallbackAheadMs?: number;
  /** The clock (default: Date.now); call-backs must be in its future. */
  now?: () => number;
}

/** Outcomes the LLM may choose with end_call; the others are decided by rules or tools. */
const llmOutcomes: readonly CallOutcome[] = ['do_not_call', 'not_interested', 'callback'];

/** The state machine of one call. */
export class DialoguePolicy {
  /** The lead's name. */
  readonly leadName: string;
  /** The rules in force. */
  readonly rules: QualificationRules;
  private readonly known: LoanFacts = {};
  private currentLanguage: string;
  private readonly languages: readonly string[];
  private readonly lowConfidence: LowConfidenceRule;
  private readonly maxCallbackAheadMs: number;
  private readonly now: () => number;
  private lowConfidenceStreak = 0;
  private final: Extract<NextStep, { action: 'end' | 'hand_off' }> | undefined;
  private verdict: QualificationResult | undefined;

  constructor(options: PolicyOptions) {
    this.leadName = options.leadName;
    this.currentLanguage = options.language;
    this.languages = options.languages ?? dialogueLanguages;
    this.rules = qualificationRules(options.rules);
    this.lowConfidence = options.lowConfidence ?? { threshold: 0.5, count: 2 };
    this.maxCallbackAheadMs = options.maxCallbackAheadMs ?? 30 * 24 * 3600_000;
    this.now = options.now ?? Date.now;
  }

  /** The facts collected so far. */
  get facts(): Readonly<LoanFacts> {
    return this.known;
  }

  /** The language the bot speaks now (follows the caller's switches). */
  get language(): string {
    return this.currentLanguage;
  }

  /** True once the call has an outcome (ended or handed off). */
  get ended(): boolean {
    return this.final !== undefined;
  }

  /** The outcome, once the call has one. */
  get outcome(): CallOutcome | undefined {
    if (!this.final) return undefined;

    return this.final.action === 'end' ? this.final.outcome : 'handed_off';
  }

  /** The qualification verdict, once the details were confirmed. */
  get qualification(): QualificationResult | undefined {
    return this.verdict;
  }

  /** What the bot does next. */
  next(): NextStep {
    if (this.final) return this.final;

    const missing = factOrder.find((name) => this.known[name] === undefined);
    if (missing === 'details_confirmed') return { action: 'confirm' };

    return { action: 'ask', fact: missing ?? 'details_confirmed' };
  }

  /**
   * Takes a final transcript before the LLM sees it: follows a language switch and counts
   * low-confidence turns. Answers `repeat` or `hand_off` when the LLM should not be asked.
   */
  onCallerTurn(turn: CallerTurn): NextStep {
    if (this.final) return this.final;

    if (turn.language && this.languages.includes(turn.language)) {
      this.currentLanguage = turn.language;
    }

    const understood =
      turn.confidence === undefined || turn.confidence >= this.lowConfidence.threshold;
    this.lowConfidenceStreak = understood ? 0 : this.lowConfidenceStreak + 1;
    if (this.lowConfidenceStreak >= this.lowConfidence.count) return this.handOff('low_confidence');

    return understood ? this.next() : { action: 'repeat' };
  }

  /** A key the caller pressed: 0 asks for a person; 1/2 answer a yes/no question. */
  onDtmf(digit: string): NextStep | undefined {
    if (this.final) return this.final;

    if (digit === '0') return this.handOff('dtmf');

    const step = this.next();
    const yesNo = step.action === 'confirm' ? 'details_confirmed' : askedYesNo(step);
    if (!yesNo || (digit !== '1' && digit !== '2')) return undefined;

    return this.recordFact(yesNo, digit === '1').next;
  }

  /** The record_fact tool: checks and stores one fact. */
  recordFact(name: string, value: unknown): PolicyReply {
    if (this.final) return this.refuse('the call is over; no more facts are recorded');

    if (!isFactName(name))
      return this.refuse(`name: unknown fact; must be one of ${factOrder.join(', ')}`);

    try {
      this.store(name, normaliseFact(name, value));
    } catch (error) {
      if (error instanceof FactError) return this.refuse(error.message);
      throw error;
    }

    return { ok: true, next: this.next() };
  }

  /** The hand_off tool (and DTMF 0, low confidence, LLM failure): pass the call to a person. */
  handOff(reason: HandOffReason): NextStep {
    this.final ??= { action: 'hand_off', reason };

    return this.final;
  }

  /** The end_call tool: ends with an outcome the caller chose (see llmOutcomes). */
  endCall(outcome: string, callbackAt?: string): PolicyReply {
    if (this.final) return this.refuse('the call is already over');

    if (outcome === 'callback') return this.scheduleCallback(callbackAt);

    if (!llmOutcomes.includes(outcome as CallOutcome)) {
      const rule = `must be one of ${llmOutcomes.join(', ')}; qualification is decided by the rules`;
      return this.refuse(`outcome: ${rule}`);
    }

    this.final = { action: 'end', outcome: outcome as CallOutcome };
    return { ok: true, next: this.final };
  }

  /** The schedule_callback tool: ends the call with a call-back at `at` (ISO 8601 with offset). */
  scheduleCallback(at: unknown): PolicyReply {
    if (this.final) return this.refuse('the call is already over');

    const time = typeof at === 'string' && hasOffset(at) ? Date.parse(at) : NaN;
    if (Number.isNaN(time)) return this.refuse('at: must be an ISO 8601 time with an offset');

    const aheadMs = time - this.now();
    if (aheadMs <= 0 || aheadMs > this.maxCallbackAheadMs) {
      return this.refuse(`at: must be in the future, at most ${this.maxCallbackAheadMs} ms ahead`);
    }

    this.final = { action: 'end', outcome: 'callback', callbackAt: at as string };
    return { ok: true, next: this.final };
  }

  private store<N extends FactName>(name: N, value: LoanFacts[N]): void {
    this.known[name] = value;

    if ((name === 'consent' || name === 'name_confirmed') && value === false) {
      // Limit: a wrong person and a refusal both end as not_interested; there is no
      // "wrong number" outcome, so such leads are not told apart in reports.
      this.final = { action: 'end', outcome: 'not_interested' };
    } else if (name === 'amount_inr' && (value as number) > this.rules.handOffAboveInr) {
      this.handOff('amount_above_limit');
    } else if (name === 'details_confirmed') {
      this.conclude(value as boolean);
    }
  }

  private conclude(confirmed: boolean): void {
    const facts = this.known;
    if (!confirmed) {
      // The caller said something is wrong: they correct it, then the read-back comes again.
      delete facts.details_confirmed;
      return;
    }

    const { loan_type, amount_inr, monthly_income_inr, existing_emi_inr } = facts;
    if (!loan_type || !amount_inr || !monthly_income_inr || existing_emi_inr === undefined) {
      delete facts.details_confirmed;
      return;
    }

    this.verdict = assessQualification(
      { loan_type, amount_inr, monthly_income_inr, existing_emi_inr },
      this.rules,
    );
    this.final = { action: 'end', outcome: this.verdict.qualified ? 'qualified' : 'not_qualified' };
  }

  private refuse(error: string): PolicyReply {
    return { ok: false, error, next: this.next() };
  }
}

function askedYesNo(step: NextStep): FactName | undefined {
  if (step.action !== 'ask') return undefined;

  return step.fact === 'name_confirmed' || step.fact === 'consent' ? step.fact : undefined;
}

function hasOffset(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
}
