// The public shape of the Twilio REST emulator.
import type { Logger } from 'pino';

/** How the simulated callee answers: Twilio's final call statuses for an outbound call. */
export type CallOutcome = 'completed' | 'busy' | 'no-answer' | 'failed';

/** What `<Connect><Stream>` asks for: the emulator hands it to `onStream`. */
export interface StreamRequest {
  /** The `url` attribute of `<Stream>`, as written in the TwiML. */
  url: string;
  /** The nested `<Parameter name value>` pairs (they arrive in `start.customParameters`). */
  parameters: Record<string, string>;
  /** The call the stream belongs to. */
  callSid: string;
  /**
   * Aborted when the stream leg must end: the call was redirected, hung up, or the emulator closed.
   */
  signal: AbortSignal;
}

/** Options of `startTwilioRestEmulator`. */
export interface TwilioRestEmulatorOptions {
  /** The account SID clients authenticate with (Basic user name, and in every path). */
  accountSid: string;
  /** The auth token: the Basic password, and the key webhooks are signed with. */
  authToken: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Called for <Connect><Stream> TwiML; resolves when the stream ends. Default: ends at once. */
  onStream?: (stream: StreamRequest) => Promise<void>;
  /**
   * Simulated ring/answer outcome per call: 'completed' (default), 'busy', 'no-answer', 'failed'.
   */
  outcome?: (to: string) => CallOutcome;
  /** How long a call rings before its outcome, in milliseconds (default 0). */
  ringMs?: number;
  /** Time-out of each webhook the emulator sends, in milliseconds (Twilio's default, 15000). */
  webhookTimeoutMs?: number;
  /** Logger; default: silent. */
  log?: Logger;
}

/** One thing the call did (or would have done) while running TwiML. */
export interface CallAction {
  /** The verb, or `Connect/Stream` for a bidirectional stream, or `Error` for a TwiML failure. */
  verb: string;
  /** The verb's attributes, plus `url`/`number` and the like where the verb names one. */
  attributes: Record<string, string>;
  /** Text content (`<Say>` words, `<Dial>` number, `<Play>` URL), when there is some. */
  text?: string;
  /** `<Parameter>` pairs of a `<Stream>`. */
  parameters?: Record<string, string>;
}

/** One status callback the emulator posted. */
export interface StatusCallbackRecord {
  /** `CallStatus` that was sent. */
  callStatus: string;
  /** HTTP status the receiver answered, or 0 when the request failed. */
  httpStatus: number;
}

/** A call the emulator created, as tests and the emulator's users see it. */
export interface EmulatedCall {
  /** Call SID: "CA" + 32 hex digits. */
  sid: string;
  /** E.164 number called. */
  to: string;
  /** E.164 caller id. */
  from: string;
  /**
   * Twilio call status: queued, ringing, in-progress, completed, busy, no-answer, failed, canceled.
   */
  status: string;
  /** The first TwiML document the call ran (inline `Twiml` or fetched from `Url`). */
  twiml?: string;
  /** Every accepted update request's parameters (`Twiml`, `Url`, `Status`…), in order. */
  updates: Array<Record<string, string>>;
  /** What the TwiML made the call do, in order. */
  actions: CallAction[];
  /** Status callbacks posted, in order. */
  callbacks: StatusCallbackRecord[];
}

/** A running emulator. */
export interface TwilioRestEmulator {
  /** `http://127.0.0.1:PORT`: use it in place of `https://api.twilio.com`. */
  readonly baseUrl: string;
  /** Every call created so far, oldest first. */
  readonly calls: ReadonlyArray<EmulatedCall>;
  /** Resolves when the call's lifecycle has ended (its final status callback was sent). */
  waitForCall(sid: string): Promise<EmulatedCall>;
  /** Ends live calls (without callbacks) and stops listening. Idempotent. */
  close(): Promise<void>;
}
