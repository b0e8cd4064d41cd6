// One call's media stream: the state machine from `connected` to `stopped`, and the place
// where every part of a call meets (DSP in, playback out, events for later stages).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { MediaMetrics } from '../ops/metrics.js';
import { FRAME_BYTES, FRAME_MS } from '../twilio/messages.js';
import type {
  DtmfEvent,
  MarkEvent,
  MediaEvent,
  ProtocolErrorKind,
  StartEvent,
  TwilioInboundEvent,
} from '../twilio/messages.js';
import { parseTwilioMessage } from '../twilio/parse.js';
import { CloseCode } from '../transport/transport.js';
import type {
  DspOpener,
  DspResult,
  DspStream,
  PlaybackFactory,
  SessionPlayback,
} from './collaborators.js';
import type { CallSessionEvents, SessionState } from './session-events.js';
import type { SessionEndReason, SessionSink, SessionSummary } from './summary.js';

/**
 * A frame is late when its 16 kHz PCM is ready more than this long after it arrived. The DSP
 * pool batches on a 20 ms tick, so a frame may wait one tick before work starts; a second
 * frame period on top means the pipeline is no longer keeping up with real time.
 */
export const LATE_FRAME_MS = 2 * FRAME_MS;

/** What a session needs from the server that opens it. */
export interface CallSessionOptions {
  /** Connection id within the server. */
  connectionId: number;
  /** Sends a text frame to Twilio. */
  send: (text: string) => boolean;
  /** Closes the WebSocket with a code and reason. */
  closeSocket: (code: number, reason: string) => void;
  /** The server's metrics. */
  metrics: MediaMetrics;
  /** The server's logger; the session logs through a child with its ids. */
  log: Logger;
  /** DSP pool; without it no `audio` or `speech` events are emitted. */
  dsp?: DspOpener;
  /** Playback factory; without it `play()` throws. */
  playback?: PlaybackFactory;
  /** Receives the summary when the session ends. */
  sink?: SessionSink;
}

/** Thrown by `play()`/`clearPlayback()` when the session cannot play. */
export class SessionError extends Error {
  /** Stable error code. */
  readonly code: 'SESSION_NOT_STARTED' | 'SESSION_NO_PLAYBACK' | 'SESSION_STOPPED';

  constructor(code: SessionError['code'], message: string) {
    super(message);
    this.name = 'SessionError';
    this.code = code;
  }
}

/** One Twilio media stream, from socket open to end. */
export class CallSession extends EventEmitter<CallSessionEvents> {
  /** Connection id within the server. */
  readonly connectionId: number;
  /** performance.now() when the socket opened. */
  readonly openedAtMs = performance.now();
  /** performance.now() of the last inbound frame (socket open before any media). */
  lastMediaAtMs = this.openedAtMs;
  private currentState: SessionState = 'connected';
  private start: StartEvent | undefined;
  private log: Logger;
  private mediaClockMs = 0;
  private lastChunk = 0;
  private speaking = false;
  private listenerFailures = 0;
  private dsp: DspStream | undefined;
  private output: SessionPlayback | undefined;
  private readonly counts = { framesIn: 0, framesOut: 0, lateFrames: 0, missingFrames: 0 };
  private readonly errors: Partial<Record<ProtocolErrorKind, number>> = {};
  /**
   * Every inbound frame is decoded here, so the per-frame path allocates no Buffer (a GC cost
   * at hundreds of calls). Safe to reuse: DspStream.pushFrame copies, and `media` listeners
   * are told the bytes are theirs only during the event.
   */
  private readonly frameScratch = Buffer.alloc(FRAME_BYTES);

  constructor(private readonly options: CallSessionOptions) {
    super();
    this.connectionId = options.connectionId;
    this.log = options.log.child({ connectionId: options.connectionId });
  }

  /** connected → started → streaming → stopped. */
  get state(): SessionState {
    return this.currentState;
  }

  /** Twilio call id ("CA…"), once started. */
  get callSid(): string | undefined {
    return this.start?.callSid;
  }

  /** Twilio stream id ("MZ…"), once started. */
  get streamSid(): string | undefined {
    return this.start?.streamSid;
  }

  /** `<Parameter>` values Twilio passed in `start` (empty before it). */
  get customParameters(): Readonly<Record<string, string>> {
    return this.start?.customParameters ?? {};
  }

  /** Twilio media clock of the latest inbound frame, in ms since the stream started. */
  get mediaTimestampMs(): number {
    return this.mediaClockMs;
  }

  /** The call's playback, once started (undefined without a playback factory). */
  get playback(): SessionPlayback | undefined {
    return this.output;
  }

  /** Handles one text frame from Twilio. Bad input is counted and dropped, never thrown. */
  handleText(text: string): void {
    if (this.currentState === 'stopped') return;

    const receivedAtMs = performance.now();
    const parsed = parseTwilioMessage(text, this.frameScratch);
    if (!parsed.ok) {
      this.protocolError(parsed.kind, parsed.detail);
      return;
    }

    try {
      this.dispatch(parsed.event, receivedAtMs);
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  /**
   * A listener (a later stage hooked on an event) threw. The call goes on; the first failure
   * is logged, later ones only counted, since the same bug would otherwise log 50 times a second.
   */
  private listenerFailed(error: unknown): void {
    this.listenerFailures++;
    if (this.listenerFailures === 1) this.log.error({ err: error }, 'session listener failed');
  }

  /**
   * Counts a refused message and logs it once per kind for this call; later ones of the same
   * kind only count, so a peer repeating one mistake 50 times a second cannot flood the log.
   */
  protocolError(kind: ProtocolErrorKind, detail: string): void {
    this.options.metrics.protocolErrors.inc({ kind });
    const seen = this.errors[kind] ?? 0;
    this.errors[kind] = seen + 1;
    if (seen === 0) this.log.warn({ kind, detail }, 'twilio protocol error');
  }

  /**
   * Queues caller-bound audio (PCM at `sampleRate` Hz) on the playback; returns its chunk id.
   * Throws SessionError before `start`, after the end, or without playback.
   */
  play(pcm: Int16Array, sampleRate: number): number {
    return this.requirePlayback().enqueue(pcm, sampleRate);
  }

  /** Barge-in: drops unplayed audio (Twilio `clear`); returns how much the caller heard, ms. */
  clearPlayback(): { playedMs: number } {
    return this.requirePlayback().clear();
  }

  /** Ends the call's stream from our side (Twilio then continues the TwiML). */
  hangUp(): void {
    this.finish('hang_up', CloseCode.normal, 'call ended by the application');
  }

  /** The peer sent a binary frame: Twilio sends text only (31950), so the stream closes 1003. */
  handleBinary(): void {
    this.protocolError('binary_frame', 'Twilio media streams carry text frames only');
    this.finish('binary_frame', CloseCode.unsupportedData, 'binary frames are not accepted');
  }

  /** The socket closed (by the peer, the transport or us); ends the session if still open. */
  handleSocketClosed(code: number): void {
    if (code === CloseCode.messageTooBig) {
      this.protocolError('oversized_message', 'message exceeded the size limit (closed 1009)');
      this.end('oversized_message', code);
      return;
    }

    this.end('socket_closed', code);
  }

  /** Ends the session (once, whatever the cause) and closes the socket with `closeCode`. */
  finish(reason: SessionEndReason, closeCode: number, closeReason: string = reason): void {
    if (this.currentState === 'stopped') return;

    this.end(reason, closeCode);
    this.options.closeSocket(closeCode, closeReason);
  }

  /**
   * Stops DSP and playback, logs the one summary line, tells the sink and emits `stopped`.
   * `stop` and an abrupt close both come here, so they end a call the same way.
   */
  private end(reason: SessionEndReason, closeCode: number | undefined): void {
    if (this.currentState === 'stopped') return;

    this.currentState = 'stopped';
    this.dsp?.close();
    this.output?.close();
    const summary = this.summary(reason, closeCode);
    this.log.info({ summary }, 'call ended');

    try {
      this.options.sink?.onSessionEnd(summary);
    } catch (error) {
      this.log.error({ err: error }, 'session sink failed');
    }
    this.emit('stopped', summary);
  }

  private requirePlayback(): SessionPlayback {
    if (this.currentState === 'stopped') {
      throw new SessionError('SESSION_STOPPED', 'the session has ended');
    }
    if (this.start === undefined) {
      throw new SessionError('SESSION_NOT_STARTED', 'no audio can play before Twilio `start`');
    }
    if (this.output === undefined) {
      throw new SessionError('SESSION_NO_PLAYBACK', 'the server was built without playback');
    }

    return this.output;
  }

  private dispatch(event: TwilioInboundEvent, receivedAtMs: number): void {
    if (event.event === 'connected') return;
    if (event.event === 'start') {
      this.onStart(event);
      return;
    }

    // Every message after `start` names the stream `start` opened (Twilio docs).
    if (this.start === undefined) {
      this.protocolError('media_before_start', `${event.event} arrived before start`);
      return;
    }
    if (event.streamSid !== this.start.streamSid) {
      this.protocolError('stream_mismatch', `${event.event}.streamSid is not this stream's`);
      return;
    }

    switch (event.event) {
      case 'media':
        return this.onMedia(event, receivedAtMs);
      case 'dtmf':
        return this.onDtmf(event);
      case 'mark':
        return this.onMark(event);
      case 'stop':
        return this.finish('stop', CloseCode.normal, 'stream stopped');
    }
  }

  private onStart(start: StartEvent): void {
    if (this.start !== undefined) {
      this.protocolError('duplicate_start', 'a stream has one start');
      return;
    }

    this.start = start;
    this.currentState = 'started';
    const { callSid, streamSid, customParameters } = start;
    this.log = this.log.child({ callSid, streamSid, callId: customParameters.callId });
    this.dsp = this.options.dsp?.openStream(streamSid, (result) => {
      try {
        this.onDspResult(result);
      } catch (error) {
        this.listenerFailed(error);
      }
    });
    this.output = this.options.playback?.({ streamSid, send: (text) => this.sendOut(text) });

    this.log.info(
      {
        tracks: start.tracks,
        leadId: customParameters.leadId,
        language: customParameters.language,
      },
      'call started',
    );
    const { accountSid, tracks } = start;
    this.emit('started', { callSid, streamSid, accountSid, tracks, customParameters });
  }

  private onMedia(media: MediaEvent, receivedAtMs: number): void {
    this.currentState = 'streaming';
    this.lastMediaAtMs = receivedAtMs;
    this.mediaClockMs = media.timestampMs;
    this.counts.framesIn++;
    this.options.metrics.framesIn.inc();

    // `media.chunk` counts up from 1; a jump means frames were lost on the way.
    // Limit: `sequenceNumber` is parsed but not checked for gaps or reordering, so a message
    // lost other than a media frame (a mark, a dtmf) goes unnoticed.
    if (media.chunk > this.lastChunk + 1)
      this.counts.missingFrames += media.chunk - this.lastChunk - 1;
    this.lastChunk = Math.max(this.lastChunk, media.chunk);

    this.dsp?.pushFrame(media.payload, receivedAtMs);
    this.emit('media', media.payload, media.timestampMs, receivedAtMs);
  }

  private onDtmf(dtmf: DtmfEvent): void {
    this.log.info({ mediaTimestampMs: this.mediaClockMs }, 'dtmf received');
    this.emit('dtmf', { digit: dtmf.digit, mediaTimestampMs: this.mediaClockMs });
  }

  private onMark(mark: MarkEvent): void {
    this.output?.onMark(mark.name);
    this.emit('mark', mark.name);
  }

  private onDspResult(result: DspResult): void {
    if (this.currentState === 'stopped') return;

    // The oldest frame of the tick waited longest: its latency stands for the tick's frames.
    const latencyMs = performance.now() - result.firstFrameReceivedAtMs;
    const latencySeconds = latencyMs / 1000;
    const frameLatency = this.options.metrics.frameLatency;
    for (let i = 0; i < result.frames.length; i++) frameLatency.observe(latencySeconds);
    if (latencyMs > LATE_FRAME_MS) this.counts.lateFrames += result.frames.length;

    this.emit('audio', {
      pcm16k: result.pcm16k,
      frames: result.frames,
      mediaTimestampMs: this.mediaClockMs,
    });
    this.trackSpeech(result);
  }

  /** Emits `speech` on each change of the VAD's (already debounced) speech flag. */
  private trackSpeech(result: DspResult): void {
    for (const frame of result.frames) {
      if (frame.speech === this.speaking) continue;

      this.speaking = frame.speech;
      this.emit('speech', {
        type: frame.speech ? 'start' : 'end',
        mediaTimestampMs: this.mediaClockMs,
      });
    }
  }

  /** Playback's way out: counts outbound media frames (the builders put `event` first). */
  private sendOut(text: string): void {
    if (text.startsWith('{"event":"media"')) {
      this.counts.framesOut++;
      this.options.metrics.framesOut.inc();
    }
    this.options.send(text);
  }

  private summary(reason: SessionEndReason, closeCode: number | undefined): SessionSummary {
    return {
      connectionId: this.connectionId,
      callSid: this.start?.callSid ?? '',
      streamSid: this.start?.streamSid ?? '',
      callId: this.start?.customParameters.callId,
      leadId: this.start?.customParameters.leadId,
      reason,
      closeCode,
      durationMs: Math.round(performance.now() - this.openedAtMs),
      mediaDurationMs: this.mediaClockMs,
      ...this.counts,
      protocolErrors: { ...this.errors },
    };
  }
}
