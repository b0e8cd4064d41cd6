// A dialogue that says fixed words, for tests of the pipeline's own behaviour (barge-in,
// resume, DTMF): what the bot says must be known to the sentence to check what was heard.
// It stands in for the dialogue only; every provider in these tests is a real emulator.
import type {
  BrainEvent,
  BrainFactory,
  CallerTurn,
  ConversationBrain,
  PhraseName,
} from '@voice-agent/media-core';

/** The long sentence every reply says (about 7 s of emulated speech). */
export const LONG_REPLY =
  'Home loans come with terms of up to thirty years, flexible repayment and help with the paperwork for your property.';

/** What the brain saw, for assertions. */
export interface BrainLog {
  turns: CallerTurn[];
  truncations: string[];
  digits: string[];
  handOffs: string[];
}

/** A brain factory whose brains record into `log`. */
export function scriptedBrains(log: BrainLog): BrainFactory {
  return (context) => new ScriptedBrain(context.language, log);
}

class ScriptedBrain implements ConversationBrain {
  outcome: string | undefined;

  constructor(
    readonly language: string,
    private readonly log: BrainLog,
  ) {}

  opening(): Promise<string[]> {
    return Promise.resolve(['Hello, this is a test call.']);
  }

  async *reply(turn: CallerTurn): AsyncIterable<BrainEvent> {
    this.log.turns.push(turn);
    yield { type: 'sentence', text: LONG_REPLY };
    yield { type: 'done' };
  }

  async *dtmf(digit: string): AsyncIterable<BrainEvent> {
    this.log.digits.push(digit);
    yield { type: 'sentence', text: 'You pressed a key.' };
  }

  handOff(reason: string): void {
    this.log.handOffs.push(reason);
    this.outcome = 'handed_off';
  }

  truncateLastReply(heardText: string): void {
    this.log.truncations.push(heardText);
  }

  phrase(name: PhraseName): string {
    return { hold: 'Please hold.', apology: 'Sorry.', repeat: 'Say again?' }[name];
  }

  facts(): Record<string, unknown> {
    return {};
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
