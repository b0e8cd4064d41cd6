// The person who answers an emulated Twilio call: for each `<Connect><Stream>` the Twilio REST
// emulator runs, a Twilio caller connects to the stream URL (signed, with the TwiML's
// parameters and the call's CallSid) and plays a conversation script.
import { EventEmitter } from 'node:events';

import type { ConversationScript, FixtureManifest } from '../script/conversation-script.js';
import { TwilioCaller } from '../twilio-caller/caller.js';
import type { PlayedTurn } from '../twilio-caller/script-player.js';
import type { StreamRequest } from '../twilio-rest/types.js';

/** One answered stream: the caller, and the script's turns once played. */
export interface AnsweredStream {
  /** The stream as the TwiML asked for it. */
  request: StreamRequest;
  /** The connected caller (its timeline and what it heard). */
  caller: TwilioCaller;
  /** Wall time of `start`, ms since the epoch: media clock 0. */
  startedAtMs: number;
  /** Resolves with the played turns when the caller has hung up or been cut off. */
  done: Promise<PlayedTurn[]>;
}

/** Events of a ScriptedCallee. */
export interface ScriptedCalleeEvents {
  /** A stream was answered. */
  answered: [stream: AnsweredStream];
  /** A stream could not be opened or its script failed. */
  failed: [error: Error];
}

/** Options of a ScriptedCallee. */
export interface ScriptedCalleeOptions {
  /** What the callee says. */
  script: ConversationScript;
  /** The fixtures the script names. */
  manifest: FixtureManifest;
  /** Auth token the upgrade is signed with; may be set later, on `authToken`. */
  authToken?: string;
}

/** Answers every stream with the same script; pass `onStream` to the Twilio REST emulator. */
export class ScriptedCallee extends EventEmitter<ScriptedCalleeEvents> {
  /** Every stream answered so far. */
  readonly streams: AnsweredStream[] = [];
  /**
   * Auth token the upgrade is signed with: the stack's Twilio token. Settable because the
   * callee is made before the stack (which needs its `onStream`) and the stack makes the token.
   */
  authToken: string | undefined;

  constructor(private readonly options: ScriptedCalleeOptions) {
    super();
    this.authToken = options.authToken;
  }

  /** The stream hook: connects, plays the script, resolves when the caller is gone. */
  readonly onStream = async (request: StreamRequest): Promise<void> => {
    try {
      const answered = await this.#answer(request);
      await answered.done;
    } catch (error) {
      this.emit('failed', error as Error);
      throw error;
    }
  };

  async #answer(request: StreamRequest): Promise<AnsweredStream> {
    const caller = await TwilioCaller.connect({
      url: request.url,
      customParameters: request.parameters,
      authToken: this.authToken,
      callSid: request.callSid,
    });
    // A redirect (hand-off) or hang-up ends the stream leg: the caller leaves.
    request.signal.addEventListener('abort', () => void caller.stop(), { once: true });

    const startedAtMs = Date.now();
    const done = caller.playScript(this.options.script, this.options.manifest);
    const answered = { request, caller, startedAtMs, done };
    this.streams.push(answered);
    this.emit('answered', answered);

    return answered;
  }
}
