// The live transcript: polls the call record on the control API while the call runs and
// prints each new turn and event as it arrives (caller and bot turns, barge-ins, the speech
// recognizer used and its failovers, facts, the outcome).
import type { CallDetail, CallEventRecord, CallTurn, StackApi } from '../stack/stack-api.js';

/** How often the call record is read while the call runs, in ms. */
const POLL_INTERVAL_MS = 300;

type Entry = { kind: 'turn'; item: CallTurn } | { kind: 'event'; item: CallEventRecord };

/** Prints a call's conversation as it lands in the control API. */
export class LiveTranscript {
  /** The last record read. */
  record: CallDetail | undefined;

  readonly #seen = new Set<string>();
  #provider: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();

  /** `provider`: the recognizer the call starts on (its language's first in the routing). */
  constructor(
    private readonly api: StackApi,
    private readonly callId: string,
    private readonly print: (line: string) => void,
    provider: string | undefined,
  ) {
    this.#provider = provider;
  }

  /** Starts polling. */
  start(): void {
    this.#timer = setInterval(() => {
      this.#polling = this.#polling
        .then(() => this.poll())
        .then(
          () => undefined,
          () => undefined,
        );
    }, POLL_INTERVAL_MS);
  }

  /** Stops polling and prints what arrived since the last poll. */
  async stop(): Promise<CallDetail> {
    clearInterval(this.#timer);
    await this.#polling;

    return this.poll();
  }

  /** Reads the record once and prints what is new. */
  async poll(): Promise<CallDetail> {
    const record = await this.api.getCall(this.callId);
    this.record = record;
    const entries: Entry[] = [
      ...record.turns.map((item) => ({ kind: 'turn' as const, item })),
      ...record.events.map((item) => ({ kind: 'event' as const, item })),
    ].sort((a, b) => a.item.at.localeCompare(b.item.at));

    for (const entry of entries) {
      if (this.#seen.has(entry.item.id)) continue;

      this.#seen.add(entry.item.id);
      const line = entry.kind === 'turn' ? this.#turnLine(entry.item) : this.#eventLine(entry.item);
      if (line !== undefined) this.print(line);
    }

    return record;
  }

  #turnLine(turn: CallTurn): string {
    if (turn.role === 'agent') return `  bot     > ${turn.text}`;

    const payload = (turn as { payload?: { provider?: string } }).payload;
    const provider = payload?.provider ?? this.#provider ?? '?';
    const confidence = turn.confidence === null ? '' : `, confidence ${turn.confidence.toFixed(2)}`;

    return `  caller  > ${turn.text}   [asr ${provider}${confidence}]`;
  }

  #eventLine(event: CallEventRecord): string | undefined {
    const p = event.payload;
    switch (event.type) {
      case 'call_started':
        return `  -- call started (${String(p['language'])}, ${String(p['callSid'])})`;
      case 'bargein':
        return p['false'] === true
          ? `  !! false interruption: the bot resumes "${String(p['resumedText'])}"`
          : `  !! barge-in: the caller spoke over the bot; clear sent ${String(p['reactionMs'])} ms after speech onset; the caller heard "${String(p['heardText'])}"`;
      case 'asr_failover':
        this.#provider = String(p['to']);
        return `  !! speech recognition failover ${String(p['from'])} -> ${String(p['to'])} (${String(p['reason'])}, ${String(p['replayMs'])} ms of audio replayed)`;
      case 'fact':
        return `  .. fact ${String(p['name'])} = ${JSON.stringify(p['value'])}`;
      case 'dtmf':
        return `  .. key pressed: ${String(p['digit'])}`;
      case 'handoff_requested':
        return `  -> hand-off to a person requested (${String(p['reason'])})`;
      case 'outcome':
        return `  == outcome: ${String(p['outcome'])}`;
      case 'call_ended':
        return `  -- call ended (${String(p['reason'])}, ${String(p['duration_s'])} s)`;
      default:
        return undefined;
    }
  }
}
