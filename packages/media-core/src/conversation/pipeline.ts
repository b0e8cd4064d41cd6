// One call's conversation, attached to its session: caller audio → recognizer → dialogue →
// speaker → playback, with barge-in, DTMF, hand-off, per-turn latency and the call's events.
import type { Logger } from 'pino';
import type { Playback } from '../call/playback.js';
import type { CallSession } from '../call/session.js';
import type {
  SessionAudio,
  SessionDtmf,
  SessionSpeech,
  SessionStarted,
} from '../call/session-events.js';
import type { SessionSummary } from '../call/summary.js';
import type { CallContext } from '../control/events.js';
import type { FailoverEvent, FinalTranscript, Recognizer } from '../speech/recognizer.js';
import type { PromptCache } from '../voice/prompt-cache.js';
import type { Synthesizer } from '../voice/synthesizer.js';
import { BargeInDetector, FrameArrivals } from './barge-in.js';
import type { BrainEvent, BrainFactory, CallerTurn, ConversationBrain } from './brain.js';
import { CallEvents, type CallEventTarget } from './events.js';
import { requestTransfer, type HandoffClient } from './handoff.js';
import { joinSpoken } from './heard.js';
import { MediaClock } from './media-clock.js';
import type { ConversationMetrics } from './metrics.js';
import { DEFAULT_CONVERSATION_OPTIONS, type ConversationOptions } from './options.js';
import { Speaker, type CutReport } from './speaker.js';
import { observeTurn, summarizeTurns, TurnClock, type TurnLatency } from './turn-latency.js';

/** Speech services the pipeline uses (SpeechServices fits). */
export interface PipelineSpeech {
  /** A failover recognizer for one call. */
  recognizer(languageCode: string, log?: Logger): Recognizer;
  /** A failover synthesizer for a language. */
  synthesizer(languageCode: string, log?: Logger): Synthesizer;
}

/** What the control plane offers the pipeline (ControlClient fits). */
export interface PipelineControl extends HandoffClient {
  /** The call's context at stream start. */
  getCallContext(callId: string, signal?: AbortSignal): Promise<CallContext>;
}

/** Process-wide parts every call's pipeline shares. */
export interface PipelineDeps {
  /** Recognition and synthesis. */
  speech: PipelineSpeech;
  /** Builds a call's dialogue. */
  brains: BrainFactory;
  /** Metrics of barge-ins and turn latency. */
  metrics: ConversationMetrics;
  /** Fixed phrases' audio (opening, hold, apology). */
  promptCache?: PromptCache;
  /** The outbox towards the control API. */
  events?: CallEventTarget;
  /** The control API client: call context and hand-offs. */
  control?: PipelineControl;
  /** The server's logger; each call logs through a child with its ids. */
  log: Logger;
  /** Timing choices; defaults in DEFAULT_CONVERSATION_OPTIONS. */
  options?: Partial<ConversationOptions>;
}

/** A barge-in waiting to learn whether words follow it. */
interface PendingBargeIn {
  cut: CutReport;
  cancelTimer: () => void;
}

/** Attaches a conversation to a new session (call it from the server's `onSession`). */
export function attachConversation(session: CallSession, deps: PipelineDeps): CallConversation {
  return new CallConversation(session, deps);
}

/** One call's conversation. `closed` resolves once everything it started has stopped. */
export class CallConversation {
  /** Resolves when the call ended and its recognizer, dialogue and speaker are closed. */
  readonly closed: Promise<void>;
  /** Latency of each answered turn, in order. */
  readonly turns: TurnLatency[] = [];

  private readonly options: ConversationOptions;
  private readonly clock = new MediaClock();
  private readonly arrivals = new FrameArrivals();
  private readonly detector: BargeInDetector;
  private log: Logger;
  private events = new CallEvents(undefined, '');
  private speaker: Speaker | undefined;
  private recognizer: Recognizer | undefined;
  private brain: ConversationBrain | undefined;
  private ready: Promise<void> | undefined;
  private pendingPcm: Int16Array[] = [];
  private language = '';
  private controlCallId: string | undefined;
  private greeted = false;
  private cancelOpening: (() => void) | undefined;
  private reply: AbortController | undefined;
  /**
   * Bumped when a bot message starts or is cut, so a finished reply knows it still owns the floor.
   */
  private messageSeq = 0;
  private pendingBargeIn: PendingBargeIn | undefined;
  private speechEndAtMs: number | undefined;
  private ending = false;
  private handedOff = false;
  /** When the caller asked to be called back (ISO time), from the dialogue's end of call. */
  private callbackAt: string | undefined;
  private bargeIns = 0;
  private resolveClosed!: () => void;

  constructor(
    private readonly session: CallSession,
    private readonly deps: PipelineDeps,
  ) {
    this.options = { ...DEFAULT_CONVERSATION_OPTIONS, ...deps.options };
    this.detector = new BargeInDetector({ minSpeechMs: this.options.bargeInMinSpeechMs });
    this.log = deps.log;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));

    session.on('started', (started) => this.start(started));
    session.on('media', (_payload, _mediaMs, receivedAtMs) => this.arrivals.add(receivedAtMs));
    session.on('audio', (audio) => this.onAudio(audio));
    session.on('speech', (speech) => this.onSpeech(speech));
    session.on('dtmf', (dtmf) => this.onDtmf(dtmf));
    session.on('stopped', (summary) => void this.finish(summary));
  }

  private start(started: SessionStarted): void {
    const params = started.customParameters;
    this.controlCallId = params.callId;
    const callId = params.callId ?? started.callSid;
    this.log = this.deps.log.child({ callSid: started.callSid, callId });
    this.events = new CallEvents(this.deps.events, callId);
    this.language = params.language ?? this.options.defaultLanguage;
    this.speaker = this.newSpeaker();

    this.events.callStarted({
      callSid: started.callSid,
      streamSid: started.streamSid,
      language: this.language,
      ...(params.leadId ? { leadId: params.leadId } : {}),
    });
    this.ready = this.prepare(callId, params.language === undefined);
    this.cancelOpening = this.clock.after(this.options.openingWaitMs, () => void this.open());
  }

  /** Fetches the call context (bounded), then builds the recognizer and the dialogue. */
  private async prepare(callId: string, languageFromContext: boolean): Promise<void> {
    const context = await this.fetchContext();
    if (languageFromContext && context !== undefined) this.language = context.language;

    this.startRecognizer();
    this.brain = this.deps.brains({
      language: this.language,
      callId,
      ...(context?.lead.name ? { leadName: context.lead.name } : {}),
    });
  }

  // Why bounded: the caller's audio must not wait on the control API; past the time-out the
  // call runs on Twilio's parameters. Audio that arrives meanwhile is kept for the recognizer.
  private async fetchContext(): Promise<CallContext | undefined> {
    const control = this.deps.control;
    if (control === undefined || this.controlCallId === undefined) return undefined;

    const signal = AbortSignal.timeout(this.options.contextTimeoutMs);
    try {
      return await control.getCallContext(this.controlCallId, signal);
    } catch (error) {
      this.log.warn({ err: error }, 'call context unavailable: using stream parameters');

      return undefined;
    }
  }

  private startRecognizer(): void {
    const recognizer = this.deps.speech.recognizer(this.language, this.log);
    recognizer.on('final', (final) => this.onFinal(final));
    recognizer.on('failover', (event: FailoverEvent) => this.onFailover(event));
    recognizer.on('error', (error) => this.onRecognizerError(error));
    for (const pcm of this.pendingPcm) recognizer.write(pcm);
    this.pendingPcm = [];
    this.recognizer = recognizer;
  }

  private newSpeaker(): Speaker {
    const playback = this.session.playback as Playback | undefined;
    if (playback === undefined || typeof playback.on !== 'function') {
      throw new TypeError('session.playback must be a Playback (the pipeline needs its events)');
    }

    let synthesizer: { language: string; synth: Synthesizer } | undefined;
    const synth = (): Synthesizer => {
      const language = this.brain?.language ?? this.language;
      if (synthesizer?.language !== language) {
        synthesizer = { language, synth: this.deps.speech.synthesizer(language, this.log) };
      }

      return synthesizer.synth;
    };
    const voice = () => ({ languageCode: this.brain?.language ?? this.language });

    return new Speaker(playback, synth, voice, this.deps.promptCache, this.log);
  }

  // ---- caller audio ----

  private onAudio(audio: SessionAudio): void {
    const arrivals = this.arrivals.take(audio.frames.length);
    if (this.recognizer === undefined) this.pendingPcm.push(audio.pcm16k);
    else this.recognizer.write(audio.pcm16k);

    this.clock.advance(audio.mediaTimestampMs);
    if (this.speaker?.speaking !== true || this.ending) {
      this.detector.reset();
      return;
    }

    const onsetAtMs = this.detector.push(audio.frames, arrivals);
    if (onsetAtMs !== undefined) this.bargeIn(onsetAtMs);
  }

  private onSpeech(speech: SessionSpeech): void {
    if (speech.type === 'start') {
      this.recognizer?.speechStarted();
      this.cancelOpening?.();
      this.pendingBargeIn?.cancelTimer();
      return;
    }

    this.recognizer?.speechEnded();
    this.speechEndAtMs = performance.now();
    // No words within the window after the caller falls silent: noise, or a bare "hello".
    const window = this.options.bargeInFalseMs;
    if (this.pendingBargeIn !== undefined) {
      this.pendingBargeIn.cancelTimer = this.clock.after(window, () => this.falseInterruption());
    }
    if (!this.greeted) this.cancelOpening = this.clock.after(window, () => void this.open());
  }

  private onFinal(final: FinalTranscript): void {
    const turn: CallerTurn = {
      text: final.text,
      confidence: final.confidence,
      language: final.language,
      provider: final.provider,
    };
    this.events.callerTurn(turn);
    if (this.ending) return;

    if (!this.greeted) {
      void this.open();
      return;
    }

    this.takeFloor();
    void this.runReply((signal) => this.requireBrain().reply(turn, signal), performance.now());
  }

  /** The caller's words win: a barge-in is confirmed, a reply in progress is dropped. */
  private takeFloor(): void {
    if (this.pendingBargeIn !== undefined) {
      this.pendingBargeIn.cancelTimer();
      this.pendingBargeIn = undefined;
    }
    // Limit: a reply still being written when the caller adds more words is dropped and the
    // new final alone drives the next reply; the earlier words stay in the dialogue history
    // only as the caller turn event, so the LLM may miss them.
    this.reply?.abort();
    this.reply = undefined;
    if (this.speaker?.speaking === true) this.cutBot(performance.now(), false);
  }

  // ---- the bot speaks ----

  private async open(): Promise<void> {
    if (this.greeted || this.ending) return;

    this.greeted = true;
    this.cancelOpening?.();
    await this.ready;
    const brain = this.requireBrain();
    const speaker = this.requireSpeaker();
    const seq = ++this.messageSeq;
    speaker.beginMessage();

    const sentences = await brain.opening();
    for (const sentence of sentences) speaker.say(sentence, { cached: true });
    await speaker.whenIdle();
    if (seq === this.messageSeq)
      this.events.agentTurn(joinSpoken(sentences), brain.language, undefined, false);
  }

  /** Runs one reply (to a final or a key) and speaks it sentence by sentence. */
  private async runReply(
    start: (signal: AbortSignal) => AsyncIterable<BrainEvent>,
    finalAtMs: number,
  ): Promise<void> {
    await this.ready;
    const abort = new AbortController();
    this.reply = abort;
    const seq = ++this.messageSeq;
    const clock = new TurnClock();
    clock.speechEndAtMs = this.speechEndAtMs;
    clock.finalAtMs = finalAtMs;
    clock.replyAtMs = performance.now();
    this.requireSpeaker().beginMessage();

    const spoken: string[] = [];
    let action: BrainEvent | undefined;
    try {
      for await (const event of start(abort.signal)) {
        if (abort.signal.aborted) break;

        action = this.onBrainEvent(event, clock, spoken) ?? action;
      }
    } catch (error) {
      if (abort.signal.aborted) return;

      this.log.error({ err: error }, 'dialogue failed: apologising and handing off');
      this.sayPhrase('apology');
      action = { type: 'handoff', reason: 'llm_failure' };
    }
    if (abort.signal.aborted) return;

    this.reply = undefined;
    if (spoken.length === 0 && action === undefined) this.sayPhrase('repeat');
    await this.requireSpeaker().whenIdle();
    this.endTurn(seq, clock, spoken);
    const holdSaid = spoken.at(-1) === this.brain?.phrase('hold');
    if (action?.type === 'handoff') await this.handOff(action.reason, holdSaid);
    if (action?.type === 'end') {
      this.callbackAt = action.callbackAt;
      await this.endCall();
    }
  }

  private onBrainEvent(
    event: BrainEvent,
    clock: TurnClock,
    spoken: string[],
  ): BrainEvent | undefined {
    switch (event.type) {
      case 'sentence':
        this.saySentence(event.text, clock, spoken.length === 0);
        spoken.push(event.text);
        return undefined;
      case 'fact':
        this.events.fact(event.name, event.value);
        return undefined;
      case 'done':
        clock.llm = event;
        return undefined;
      default:
        return event;
    }
  }

  private saySentence(text: string, clock: TurnClock, first: boolean): void {
    if (!first) {
      this.requireSpeaker().say(text);
      return;
    }

    clock.firstSentenceAtMs = performance.now();
    this.requireSpeaker().say(text, {
      onQueued: (timings) => {
        clock.ttsAskedAtMs = timings.askedAtMs;
        clock.ttsAnsweredAtMs = timings.answeredAtMs;
        clock.firstAudioAtMs = timings.queuedAtMs;
      },
    });
  }

  /** Records a turn that played to its end (a cut one was recorded by the barge-in). */
  private endTurn(seq: number, clock: TurnClock, spoken: string[]): void {
    const latency = clock.latency();
    this.turns.push(latency);
    observeTurn(this.deps.metrics, latency);
    this.log.info({ latency }, 'turn latency');

    if (seq === this.messageSeq) {
      this.events.agentTurn(joinSpoken(spoken), this.requireBrain().language, latency, false);
    }
  }

  private sayPhrase(name: 'hold' | 'apology' | 'repeat'): void {
    const text = this.brain?.phrase(name);
    if (text !== undefined) this.requireSpeaker().say(text, { cached: true });
  }

  // ---- barge-in ----

  private bargeIn(onsetAtMs: number): void {
    this.reply?.abort();
    this.reply = undefined;
    const cut = this.cutBot(onsetAtMs, true);
    const cancelTimer = this.clock.after(this.options.bargeInFalseMs, () =>
      this.falseInterruption(),
    );
    this.pendingBargeIn = { cut, cancelTimer };
  }

  /** Stops the bot; the history keeps only what the caller heard. */
  private cutBot(onsetAtMs: number, counted: boolean): CutReport {
    const cut = this.requireSpeaker().cut();
    const reactionMs = performance.now() - onsetAtMs;
    this.messageSeq++;
    this.brain?.truncateLastReply(cut.heardText);
    this.events.agentTurn(cut.heardText, this.brain?.language ?? this.language, undefined, true);

    if (counted) {
      this.bargeIns++;
      this.deps.metrics.bargeIns.inc();
      this.deps.metrics.bargeInReaction.observe(reactionMs / 1000);
      this.events.bargeIn({
        reactionMs: Math.round(reactionMs),
        heardText: cut.heardText,
        playedMs: Math.round(cut.playedMs),
      });
      this.log.info(
        { reactionMs: Math.round(reactionMs), playedMs: Math.round(cut.playedMs) },
        'barge-in',
      );
    }

    return cut;
  }

  /** No words came after a barge-in: the bot says the rest of what it was saying. */
  private falseInterruption(): void {
    const pending = this.pendingBargeIn;
    if (pending === undefined || this.ending) return;

    this.pendingBargeIn = undefined;
    pending.cancelTimer();
    this.deps.metrics.falseBargeIns.inc();
    const rest = joinSpoken(pending.cut.unheard.map((u) => u.text));
    this.events.falseBargeIn(rest);
    this.log.info({ resumedMs: pending.cut.unheard.length }, 'false barge-in: resuming');

    const speaker = this.requireSpeaker();
    const seq = ++this.messageSeq;
    speaker.beginMessage(pending.cut.heardText);
    for (const unheard of pending.cut.unheard) speaker.sayAudio(unheard);
    void speaker.whenIdle().then(() => {
      if (seq !== this.messageSeq) return;

      const whole = joinSpoken([pending.cut.heardText, rest]);
      this.brain?.truncateLastReply(whole);
      this.events.agentTurn(rest, this.brain?.language ?? this.language, undefined, false);
    });
  }

  // ---- keys, hand-off, end ----

  private onDtmf(dtmf: SessionDtmf): void {
    this.events.dtmf(dtmf.digit);
    if (this.ending) return;

    if (dtmf.digit === '0') {
      this.takeFloor();
      void this.handOff('dtmf');
      return;
    }

    this.takeFloor();
    void this.runReply((signal) => this.requireBrain().dtmf(dtmf.digit, signal), performance.now());
  }

  /** Hold phrase, then the transfer; without a control plane the call ends. */
  private async handOff(reason: string, holdSaid = false): Promise<void> {
    if (this.ending) return;

    this.ending = true;
    this.handedOff = true;
    this.deps.metrics.handoffs.inc({ reason });
    await this.ready;
    this.brain?.handOff(reason);
    if (!holdSaid) this.sayPhrase('hold');
    await this.requireSpeaker().whenIdle();

    this.events.handoffRequested(reason);
    const result = await requestTransfer(this.deps.control, this.controlCallId, reason, this.log);
    // With a transfer under way Twilio redirects the call and stops this stream itself.
    if (result !== 'requested') this.hangUp();
  }

  private async endCall(): Promise<void> {
    this.ending = true;
    await this.requireSpeaker().whenIdle();
    this.hangUp();
  }

  private hangUp(): void {
    setTimeout(() => this.session.hangUp(), this.options.hangupGraceMs).unref();
  }

  private onFailover(event: FailoverEvent): void {
    const { from, to, reason, replayMs } = event;
    this.events.asrFailover({ from, to, reason, replayMs });
  }

  private onRecognizerError(error: unknown): void {
    this.log.error({ err: error }, 'no recognizer left: handing off');
    if (this.ending) return;

    this.sayPhrase('apology');
    void this.handOff('asr_failure');
  }

  // ---- end of call ----

  private async finish(summary: SessionSummary): Promise<void> {
    this.ending = true;
    this.clock.clear();
    this.reply?.abort();
    this.speaker?.close();

    if (summary.streamSid !== '') this.report(summary);
    await Promise.allSettled([this.recognizer?.close(), this.brain?.close()]);
    this.resolveClosed();
  }

  private report(summary: SessionSummary): void {
    const brain = this.brain;
    const outcome = brain?.outcome ?? (this.handedOff ? 'handed_off' : 'incomplete');
    this.events.outcome(outcome, brain?.facts() ?? {}, this.callbackAt);
    this.events.latencySummary(summarizeTurns(this.turns));
    this.events.callEnded({
      reason: summary.reason,
      duration_s: summary.durationMs / 1000,
      turns: this.turns.length,
      bargeIns: this.bargeIns,
    });
    this.log.info(
      { outcome, turns: this.turns.length, bargeIns: this.bargeIns },
      'conversation ended',
    );
  }

  private requireBrain(): ConversationBrain {
    if (this.brain === undefined) throw new Error('the dialogue is not ready');

    return this.brain;
  }

  private requireSpeaker(): Speaker {
    if (this.speaker === undefined) throw new Error('the call has not started');

    return this.speaker;
  }
}
