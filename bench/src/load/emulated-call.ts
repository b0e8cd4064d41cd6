// One call as the load generator holds it: a WebSocket speaking Twilio's side of a Media
// Stream. Kept lean on purpose (no playback buffer, no mark echo, no timers of its own): the
// generator's one scheduler drives every call, so hundreds of calls cost one timer.
import WebSocket from 'ws';

import {
  FRAME_MS,
  connectedMessage,
  mediaMessage,
  newCallIds,
  startMessage,
  stopMessage,
  type CallIds,
} from './twilio-frames.js';

/** Where a call stands. */
export type CallState = 'dialling' | 'streaming' | 'failed' | 'stopping' | 'closed';

/** What an emulated call reports to the generator. */
export interface CallListener {
  /** The upgrade failed (HTTP status or error code in `reason`). */
  onFailed(reason: string): void;
  /** The stream opened and `start` went out; media is due one frame period later. */
  onStreaming(): void;
  /** The socket closed; `early` when the server closed a streaming call (close code, reason). */
  onClosed(early: boolean, code: number, reason: string): void;
}

/** One emulated Twilio call. */
export class EmulatedCall {
  /** performance.now() at which the next frame is due, ms. */
  nextDueMs = Infinity;
  private chunk = 0;
  private current: CallState = 'dialling';
  private readonly ids: CallIds = newCallIds();
  private readonly socket: WebSocket;

  constructor(
    url: string,
    connectTimeoutMs: number,
    private readonly payloads: readonly string[],
    private readonly fixtureOffset: number,
    private readonly listener: CallListener,
  ) {
    // No compression: Twilio does not negotiate permessage-deflate on media streams.
    this.socket = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: connectTimeoutMs,
    });
    this.socket.on('open', () => this.opened());
    this.socket.on('unexpected-response', (_request, response) => {
      response.resume();
      this.fail(`HTTP ${response.statusCode ?? '?'}`);
      this.socket.terminate();
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(error.code ?? error.message),
    );
    this.socket.on('close', (code, reason) => this.closed(code, reason.toString()));
  }

  /** Where the call stands. */
  get state(): CallState {
    return this.current;
  }

  /** Bytes queued in this socket, not yet handed to the kernel. */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Sends the next frame and moves the due time one frame on; returns how late it was, ms. */
  sendFrame(nowMs: number): number {
    const lagMs = nowMs - this.nextDueMs;
    this.chunk++;
    const payload = this.payloads[(this.fixtureOffset + this.chunk) % this.payloads.length] ?? '';
    this.socket.send(mediaMessage(this.ids.streamSid, this.chunk, payload));
    this.nextDueMs += FRAME_MS;

    return lagMs;
  }

  /** Sends Twilio's `stop` and closes the socket normally (1000). */
  stop(): void {
    if (this.current !== 'streaming') return;

    this.current = 'stopping';
    this.nextDueMs = Infinity;
    // `stop` follows the last media message: start was 1, media chunk k was k + 1.
    this.socket.send(stopMessage(this.ids, this.chunk + 2));
    this.socket.close(1000, 'stream stopped');
  }

  /** Drops the socket at once (teardown timed out). */
  terminate(): void {
    this.socket.terminate();
  }

  private opened(): void {
    this.socket.send(connectedMessage());
    this.socket.send(startMessage(this.ids, { callId: this.ids.callSid, language: 'en-IN' }));
    this.current = 'streaming';
    // Twilio's first media frame follows `start` by one frame period.
    this.nextDueMs = performance.now() + FRAME_MS;
    this.listener.onStreaming();
  }

  private fail(reason: string): void {
    if (this.current !== 'dialling') return;

    this.current = 'failed';
    this.listener.onFailed(reason);
  }

  private closed(code: number, reason: string): void {
    if (this.current === 'dialling') this.fail('closed before open');
    if (this.current === 'closed' || this.current === 'failed') return;

    const early = this.current === 'streaming';
    this.current = 'closed';
    this.nextDueMs = Infinity;
    this.listener.onClosed(early, code, reason);
  }
}
