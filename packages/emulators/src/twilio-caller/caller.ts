// A WebSocket client that behaves like Twilio on a bidirectional Media Stream: it sends
// `connected`, `start`, caller audio as `media` paced at 20 ms (or faster with `speed`),
// `dtmf` and `stop`; it plays the server's audio through a caller-side buffer, echoes marks as
// playback reaches them, drops the buffer on `clear`, and records and times what was heard.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { computeTwilioSignature } from '@voice-agent/media-core/twilio';
import WebSocket from 'ws';

import type { ConversationScript, FixtureManifest } from '../script/conversation-script.js';
import { heardWav, toMuLaw, type CallerAudio, type HeardEncoding } from './audio-input.js';
import { CallerEar, FRAME_BYTES, FRAME_MS, MU_LAW_SILENCE } from './caller-ear.js';
import { playScript, type PlayedTurn } from './script-player.js';

/** Options of TwilioCaller.connect. */
export interface TwilioCallerOptions {
  /** The media server's WebSocket URL, e.g. ws://127.0.0.1:8080/media. */
  url: string;
  /** `<Parameter>` values, sent in `start.customParameters`. */
  customParameters?: Record<string, string>;
  /** When set, the upgrade carries X-Twilio-Signature computed with this auth token. */
  authToken?: string;
  /** URL the signature covers; default `url` with ws:// turned into wss:// (what Twilio dials). */
  signedUrl?: string;
  /** Clock speed: 1 is real time; 10 sends and plays ten 20 ms frames per real 20 ms. */
  speed?: number;
  /** Account sid in `start` and `stop`; default a random "AC…". */
  accountSid?: string;
  /** Call sid; default a random "CA…". */
  callSid?: string;
  /** Stream sid; default a random "MZ…". */
  streamSid?: string;
  /**
   * What to do with marks pending when a `clear` arrives: echo them at once, or drop them.
   * Twilio's text does not settle it, so servers should be tested against both; default echo.
   */
  marksOnClear?: 'echo' | 'drop';
  /** Time to wait for the upgrade, in ms; default 5000. */
  connectTimeoutMs?: number;
}

/** One entry of the call's timeline; `atMs` is on the call's media clock (ms since start). */
export type TimelineEntry =
  | { kind: 'botAudioStart' | 'botAudioStop'; atMs: number }
  | { kind: 'markEchoed'; atMs: number; name: string }
  | { kind: 'clearReceived'; atMs: number; droppedMs: number }
  | { kind: 'callerAudioStart' | 'callerAudioStop'; atMs: number }
  | { kind: 'dtmfSent'; atMs: number; digit: string }
  | { kind: 'stopSent' | 'socketClosed'; atMs: number };

/** A message from the server the caller could not accept (Twilio would log an error). */
export interface CallerProtocolError {
  /** On the media clock, ms. */
  atMs: number;
  /** What was wrong: binary frame (Twilio 31950), bad JSON, unknown event… */
  kind: 'binary_frame' | 'malformed_json' | 'unknown_event' | 'stream_mismatch';
  /** Detail for the reader. */
  detail: string;
}

/** Events of a TwilioCaller. */
export interface TwilioCallerEvents {
  /** A timeline entry was added. */
  timeline: [entry: TimelineEntry];
  /** One 20 ms tick of the call's clock ran (media clock in ms). */
  tick: [atMs: number];
  /** The socket closed (either side). */
  closed: [];
}

/** Errors of the caller, with a stable code. */
export class TwilioCallerError extends Error {
  /** Stable code. */
  readonly code: 'CALLER_UPGRADE_REJECTED' | 'CALLER_CONNECT_FAILED' | 'CALLER_CLOSED';
  /** HTTP status of a refused upgrade. */
  readonly status: number | undefined;

  constructor(code: TwilioCallerError['code'], message: string, status?: number) {
    super(message);
    this.name = 'TwilioCallerError';
    this.code = code;
    this.status = status;
  }
}

const DIGITS = /^[0-9*#]$/;

/** An emulated Twilio call connected to a media server. */
export class TwilioCaller extends EventEmitter<TwilioCallerEvents> {
  /** Stream id sent in `start`. */
  readonly streamSid: string;
  /** Call id sent in `start`. */
  readonly callSid: string;
  /** Account id sent in `start`. */
  readonly accountSid: string;
  /** Everything that happened, in order. */
  readonly timeline: TimelineEntry[] = [];
  /** Messages from the server that Twilio would refuse. */
  readonly protocolErrors: CallerProtocolError[] = [];
  /** Every message received from the server, by event name (count). */
  readonly received: Record<string, number> = {};

  readonly #socket: WebSocket;
  readonly #speed: number;
  readonly #marksOnClear: 'echo' | 'drop';
  readonly #ear = new CallerEar();
  #outgoing: { muLaw: Uint8Array; offset: number; done: () => void }[] = [];
  #sequence = 0;
  #chunk = 0;
  #ticks = 0;
  #startedAtMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #botAudible = false;
  #callerSpeaking = false;
  #closed: Promise<void>;
  #stopped = false;

  private constructor(socket: WebSocket, options: TwilioCallerOptions) {
    super();
    this.#socket = socket;
    this.#speed = options.speed ?? 1;
    this.#marksOnClear = options.marksOnClear ?? 'echo';
    this.accountSid = options.accountSid ?? sid('AC');
    this.callSid = options.callSid ?? sid('CA');
    this.streamSid = options.streamSid ?? sid('MZ');
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#closed.then(() => this.#onClosed());
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    // A socket error is always followed by 'close', which ends the call; nothing else to do.
    socket.on('error', () => undefined);
  }

  /** Opens the stream: upgrade (signed if asked), `connected`, `start`, then the clock runs. */
  static async connect(options: TwilioCallerOptions): Promise<TwilioCaller> {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new RangeError(`speed must be a number > 0, got ${speed}`);
    }

    const socket = await openSocket(options);
    const caller = new TwilioCaller(socket, options);
    caller.#start(options.customParameters ?? {});
    return caller;
  }

  /** Ms of media clock since `start`: each tick of the call's clock is one 20 ms frame. */
  get nowMs(): number {
    return this.#ticks * FRAME_MS;
  }

  /** Bot audio waiting in the caller's buffer, in ms. */
  get bufferedMs(): number {
    return this.#ear.bufferedMs;
  }

  /** True while the caller hears bot audio. */
  get botSpeaking(): boolean {
    return this.#botAudible;
  }

  /** Queues caller speech; resolves when its last frame has been sent. */
  sendAudio(audio: CallerAudio): Promise<void> {
    const muLaw = toMuLaw(audio);
    if (this.#stopped) return Promise.reject(closedError());

    return new Promise((resolve) => this.#outgoing.push({ muLaw, offset: 0, done: resolve }));
  }

  /** Sends a DTMF key press (bidirectional streams only; Twilio track "inbound_track"). */
  dtmf(digit: string): void {
    if (!DIGITS.test(digit)) throw new RangeError(`digit must be one of 0-9 * #, got "${digit}"`);

    this.#sendJson({ event: 'dtmf', dtmf: { track: 'inbound_track', digit } });
    this.#record({ kind: 'dtmfSent', atMs: this.nowMs, digit });
  }

  /** Plays a conversation script's turns against the bot, then hangs up. */
  playScript(script: ConversationScript, manifest: FixtureManifest): Promise<PlayedTurn[]> {
    return playScript(this, script, manifest);
  }

  /** Waits `ms` of the call's media clock (real time divided by speed). */
  async wait(ms: number): Promise<void> {
    const target = this.#ticks + Math.ceil(ms / FRAME_MS);
    while (this.#ticks < target && !this.#stopped) await this.#nextTick();
  }

  /** Waits until `predicate` holds, checked once per tick, or `timeoutMs` of media clock. */
  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const target = this.#ticks + Math.ceil(timeoutMs / FRAME_MS);
    while (!predicate()) {
      if (this.#ticks >= target || this.#stopped) return false;
      await this.#nextTick();
    }
    return true;
  }

  /** Hangs up: sends `stop`, closes the socket, stops the clock. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopped && this.#socket.readyState === WebSocket.OPEN) {
      this.#sendJson({
        event: 'stop',
        stop: { accountSid: this.accountSid, callSid: this.callSid },
      });
      this.#record({ kind: 'stopSent', atMs: this.nowMs });
      this.#socket.close(1000, 'call ended');
    }
    this.#halt();

    await this.#closed;
  }

  /** Resolves when the socket has closed, whoever closed it. */
  closed(): Promise<void> {
    return this.#closed;
  }

  /** What the caller heard: one 20 ms frame per tick, 8 kHz μ-law, silence where none. */
  heard(): Uint8Array {
    return this.#ear.heard();
  }

  /** What the caller heard as a WAV file (μ-law as received, or decoded to PCM16). */
  heardWav(encoding: HeardEncoding = 'mulaw'): Buffer {
    return heardWav(this.heard(), encoding);
  }

  #start(customParameters: Record<string, string>): void {
    this.#socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.#sendJson({
      event: 'start',
      start: {
        streamSid: this.streamSid,
        accountSid: this.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });

    this.#startedAtMs = performance.now();
    this.#schedule();
  }

  // Every tick is due at start + n × 20 ms / speed on the monotonic clock, so a late timer
  // makes the next wait shorter instead of shifting all later frames (no drift); ticks missed
  // by a stall run back to back, as Twilio catches up its own clock.
  #schedule(): void {
    const dueAtMs = this.#startedAtMs + ((this.#ticks + 1) * FRAME_MS) / this.#speed;
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, dueAtMs - performance.now()));
  }

  #onTimer(): void {
    const now = performance.now();
    while (
      !this.#stopped &&
      this.#startedAtMs + ((this.#ticks + 1) * FRAME_MS) / this.#speed <= now
    ) {
      this.#tick();
    }
    if (!this.#stopped) this.#schedule();
  }

  #tick(): void {
    this.#ticks++;
    this.#sendCallerFrame();
    this.#playBotFrame();
    this.emit('tick', this.nowMs);
  }

  #sendCallerFrame(): void {
    const frame = new Uint8Array(FRAME_BYTES).fill(MU_LAW_SILENCE);
    const item = this.#outgoing[0];
    if (item !== undefined) {
      frame.set(item.muLaw.subarray(item.offset, item.offset + FRAME_BYTES));
      item.offset += FRAME_BYTES;
      if (item.offset >= item.muLaw.length) {
        this.#outgoing.shift();
        item.done();
      }
    }
    this.#noteCallerSpeech(item !== undefined);

    // Twilio streams the caller's track continuously: silence is sent as media too.
    this.#chunk++;
    this.#sendJson({
      event: 'media',
      media: {
        track: 'inbound',
        chunk: String(this.#chunk),
        timestamp: String((this.#ticks - 1) * FRAME_MS),
        payload: Buffer.from(frame).toString('base64'),
      },
    });
  }

  #playBotFrame(): void {
    const played = this.#ear.tick();
    if (played.hadAudio !== this.#botAudible) {
      this.#botAudible = played.hadAudio;
      const startedAt = this.nowMs - FRAME_MS;
      this.#record({ kind: played.hadAudio ? 'botAudioStart' : 'botAudioStop', atMs: startedAt });
    }
    for (const name of played.echoedMarks) this.#echoMark(name);
  }

  #noteCallerSpeech(speaking: boolean): void {
    if (speaking === this.#callerSpeaking) return;

    this.#callerSpeaking = speaking;
    const atMs = this.nowMs - FRAME_MS;
    this.#record({ kind: speaking ? 'callerAudioStart' : 'callerAudioStop', atMs });
  }

  #echoMark(name: string): void {
    this.#sendJson({ event: 'mark', mark: { name } });
    this.#record({ kind: 'markEchoed', atMs: this.nowMs, name });
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#protocolError('binary_frame', 'Twilio error 31950: the server sent a binary frame');
      return;
    }

    let message: {
      event?: unknown;
      streamSid?: unknown;
      media?: { payload?: unknown };
      mark?: { name?: unknown };
    };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      this.#protocolError('malformed_json', 'not JSON');
      return;
    }

    const event = String(message.event);
    this.received[event] = (this.received[event] ?? 0) + 1;
    if (message.streamSid !== this.streamSid) {
      this.#protocolError('stream_mismatch', `streamSid ${String(message.streamSid)}`);
      return;
    }
    this.#handle(event, message);
  }

  #handle(
    event: string,
    message: { media?: { payload?: unknown }; mark?: { name?: unknown } },
  ): void {
    if (event === 'media' && typeof message.media?.payload === 'string') {
      this.#ear.receive(Buffer.from(message.media.payload, 'base64'));
    } else if (event === 'mark' && typeof message.mark?.name === 'string') {
      this.#ear.mark(message.mark.name);
    } else if (event === 'clear') {
      this.#onClear();
    } else {
      this.#protocolError('unknown_event', `Twilio error 31924: unsupported message "${event}"`);
    }
  }

  #onClear(): void {
    const { droppedMs, marks } = this.#ear.clear();
    this.#record({ kind: 'clearReceived', atMs: this.nowMs, droppedMs });

    if (this.#marksOnClear === 'echo') for (const name of marks) this.#echoMark(name);
  }

  #protocolError(kind: CallerProtocolError['kind'], detail: string): void {
    this.protocolErrors.push({ atMs: this.nowMs, kind, detail });
  }

  #sendJson(message: Record<string, unknown>): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;

    this.#sequence++;
    const body = { ...message, sequenceNumber: String(this.#sequence), streamSid: this.streamSid };
    this.#socket.send(JSON.stringify(body));
  }

  #record(entry: TimelineEntry): void {
    this.timeline.push(entry);
    this.emit('timeline', entry);
  }

  #nextTick(): Promise<void> {
    return new Promise((resolve) => this.once('tick', () => resolve()));
  }

  #halt(): void {
    if (this.#stopped) return;

    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const item of this.#outgoing.splice(0)) item.done();
    // Releases anyone waiting for the next tick: there will be none.
    this.emit('tick', this.nowMs);
  }

  #onClosed(): void {
    this.#halt();
    this.#record({ kind: 'socketClosed', atMs: this.nowMs });
    this.emit('closed');
  }
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

function closedError(): TwilioCallerError {
  return new TwilioCallerError('CALLER_CLOSED', 'the call has ended');
}

function openSocket(options: TwilioCallerOptions): Promise<WebSocket> {
  const headers: Record<string, string> = {};
  if (options.authToken !== undefined) {
    const signedUrl = options.signedUrl ?? options.url.replace(/^ws:/, 'wss:');
    headers['X-Twilio-Signature'] = computeTwilioSignature(options.authToken, signedUrl);
  }

  const socket = new WebSocket(options.url, {
    headers,
    handshakeTimeout: options.connectTimeoutMs ?? 5000,
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      socket.terminate();
      reject(
        new TwilioCallerError('CALLER_UPGRADE_REJECTED', `upgrade refused: ${status}`, status),
      );
    });
    socket.on('error', (err) =>
      reject(new TwilioCallerError('CALLER_CONNECT_FAILED', `connect failed: ${err.message}`)),
    );
  });
}
