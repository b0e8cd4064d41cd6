// One StreamingRecognize call: the config message first, then audio; recognition events become
// responses; the Google limits and the injected fault of this stream are enforced here.
import { grpc } from 'google-gax';
import type { AppliedFault } from '../faults/fault-plan.js';
import {
  grpcFailure,
  injectedFailure,
  unauthenticated,
  type GrpcFailure,
} from '../faults/grpc-failure.js';
import type { EmulatorStats } from '../faults/stats.js';
import type { SpeechMatcher } from '../speech-match/matcher.js';
import { UtteranceTracker, type RecognitionEvent } from '../speech-match/utterance-tracker.js';
import { audioTimeout, maxAudioBytesPerRequest, streamTooLong } from './limits.js';
import {
  AudioDecoder,
  checkRecognitionConfig,
  type RecognitionConfigMessage,
} from './recognition-config.js';
import { streamingResponse, type ResponseOptions } from './responses.js';

/** What a streaming session needs from its emulator. */
export interface SessionContext {
  /** The shared audio matcher. */
  matcher: SpeechMatcher;
  /** The emulator's counters. */
  stats: EmulatorStats;
  /** Stream duration limit in seconds of audio. */
  maxStreamS: number;
  /** Audio timeout in ms of wall time. */
  audioTimeoutMs: number;
  /** Endpointing (silence that ends an utterance) in ms of audio. */
  endpointingMs: number;
  /** Destroys the connection of a call (the 'drop' fault). */
  dropConnectionOf(peer: string): void;
}

interface StreamingRequest {
  streamingConfig?: {
    config?: RecognitionConfigMessage;
    interimResults?: boolean;
    enableVoiceActivityEvents?: boolean;
    singleUtterance?: boolean;
  };
  audioContent?: Buffer;
}

type DuplexCall = grpc.ServerDuplexStream<StreamingRequest, Record<string, unknown>>;

// Limit: audio is not required to arrive at real-time speed (Google asks for it); the
// emulator answers as fast as audio arrives, so a client that floods the real service would
// pass here. The duration limit counts audio time, not wall time.
/** Serves one StreamingRecognize call until it ends. */
export class StreamingSession {
  private tracker: UtteranceTracker | undefined;
  private decoder: AudioDecoder | undefined;
  private responseOptions: ResponseOptions | undefined;
  private audioTimer: NodeJS.Timeout | undefined;
  private sampleRate = 16000;
  private audioSamples = 0;
  private outbox: Promise<void> = Promise.resolve();
  private done = false;
  private stalled = false;

  constructor(
    private readonly call: DuplexCall,
    private readonly context: SessionContext,
    private readonly fault: AppliedFault | undefined,
  ) {}

  /** Starts serving: applies an up-front fault, else listens for requests. */
  start(): void {
    this.context.stats.streams += 1;
    if (this.fault?.kind === 'auth') return this.fail(unauthenticated());
    if (this.fault?.kind === 'fail') return this.fail(injectedFailure(this.fault));

    this.call.on('data', (request: StreamingRequest) => this.onRequest(request));
    this.call.on('end', () => this.onClientEnd());
    this.call.on('cancelled', () => this.stop());
    this.call.on('error', () => this.stop());
  }

  private onRequest(request: StreamingRequest): void {
    if (this.done || this.stalled) return;

    if (request.streamingConfig) return this.onConfig(request.streamingConfig);
    if (!this.tracker) {
      return this.fail(invalid('streaming_config: the first request must carry the config'));
    }

    this.onAudio(request.audioContent ?? Buffer.alloc(0));
  }

  private onConfig(streamingConfig: NonNullable<StreamingRequest['streamingConfig']>): void {
    if (this.tracker) return this.fail(invalid('streaming_config: sent twice in one stream'));

    const format = checkRecognitionConfig(streamingConfig.config);
    if ('code' in format) return this.fail(format);

    this.sampleRate = format.sampleRate;
    this.decoder = new AudioDecoder(format.encoding);
    this.tracker = new UtteranceTracker(this.context.matcher, format.sampleRate, {
      endpointingMs: this.context.endpointingMs,
    });
    this.responseOptions = {
      interimResults: streamingConfig.interimResults ?? false,
      voiceEvents: streamingConfig.enableVoiceActivityEvents ?? false,
      singleUtterance: streamingConfig.singleUtterance ?? false,
      languageCode: format.languageCode,
    };
    this.armAudioTimer();
  }

  private onAudio(bytes: Buffer): void {
    // Fact enforced: Google rejects a request carrying more than 25,600 audio bytes.
    if (bytes.length > maxAudioBytesPerRequest) {
      return this.fail(
        invalid(`audio_content: ${bytes.length} bytes, more than ${maxAudioBytesPerRequest}`),
      );
    }

    this.context.stats.audioBytes += bytes.length;
    const samples = this.decoder?.decode(bytes) ?? new Int16Array(0);
    this.audioSamples += samples.length;
    this.armAudioTimer();

    if (this.audioMs() > this.context.maxStreamS * 1000) {
      return this.fail(streamTooLong(this.context.maxStreamS));
    }

    if (this.applyMidStreamFault()) return;
    this.send(this.tracker?.push(samples) ?? []);
  }

  private applyMidStreamFault(): boolean {
    const kind = this.fault?.kind;
    if ((kind !== 'stall' && kind !== 'drop') || this.audioMs() < (this.fault?.ms ?? 0)) {
      return false;
    }

    if (kind === 'drop') {
      this.context.dropConnectionOf(this.call.getPeer());
      this.stop();
      return true;
    }

    // A stalled stream stays open and silent: no results, no errors, no end.
    this.stalled = true;
    this.clearAudioTimer();
    return true;
  }

  private onClientEnd(): void {
    if (this.done || this.stalled) return;

    this.send(this.tracker?.finish() ?? []);
    this.finish();
  }

  private send(events: RecognitionEvent[]): void {
    const options = this.responseOptions;
    if (!options) return;

    for (const event of events) {
      const response = streamingResponse(event, options);
      if (response) this.write(response);

      if (event.type === 'final' && options.singleUtterance) return this.finish();
    }
  }

  private write(response: Record<string, unknown>): void {
    const delayMs = this.fault?.kind === 'latency' ? this.fault.ms : 0;
    if (delayMs === 0) {
      this.call.write(response);
      return;
    }

    // Why a chain: with added latency each response still leaves in order, delayMs after it
    // was produced (not delayMs after the previous one left).
    const due = Date.now() + delayMs;
    this.outbox = this.outbox
      .then(() => sleep(due - Date.now()))
      .then(() => {
        if (!this.done) this.call.write(response);
      });
  }

  private finish(): void {
    if (this.done) return;

    this.clearAudioTimer();
    void this.outbox.then(() => {
      if (this.done) return;
      this.done = true;
      this.call.end();
    });
  }

  private fail(failure: GrpcFailure): void {
    if (this.done) return;

    this.stop();
    this.call.emit('error', failure);
  }

  private stop(): void {
    this.done = true;
    this.clearAudioTimer();
  }

  private audioMs(): number {
    return (this.audioSamples * 1000) / this.sampleRate;
  }

  private armAudioTimer(): void {
    this.clearAudioTimer();
    this.audioTimer = setTimeout(() => this.fail(audioTimeout()), this.context.audioTimeoutMs);
  }

  private clearAudioTimer(): void {
    if (this.audioTimer) clearTimeout(this.audioTimer);
    this.audioTimer = undefined;
  }
}

function invalid(details: string): GrpcFailure {
  return grpcFailure(grpc.status.INVALID_ARGUMENT, details);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
