// What crosses between the bench and its load generator process (node IPC, structured clone).

/** How the generator is configured: passed as JSON in its first argument. */
export interface GeneratorConfig {
  /** The media core's WebSocket URL, ws://127.0.0.1:PORT/media. */
  url: string;
  /** Concurrent calls to hold. */
  calls: number;
  /** 8 kHz μ-law WAV the callers play, looped; each call starts at a different place. */
  fixturePath: string;
  /** Time over which the calls are dialled, ms (spreads the handshakes and the frame phases). */
  rampMs: number;
  /** Streaming time after the last call is up, before `ready`, ms. */
  warmupMs: number;
  /** Upgrade timeout per call, ms. */
  connectTimeoutMs: number;
}

/** Bench → generator. */
export type GeneratorCommand =
  | { type: 'measure' } // start the measurement window now
  | { type: 'stop' }; // end the window, send `stop` on every call, close, report

/** Generator-side send timing and volume over a window. */
export interface SendStats {
  /** Length of the window as the generator saw it, ms. */
  windowMs: number;
  /** Media frames sent. */
  framesSent: number;
  /** Frames sent more than one frame period (20 ms) after their due time. */
  lateSends: number;
  /** Send lag (send time minus due time) p50, ms, to 1 ms. */
  lagP50Ms: number;
  /** Send lag p99, ms, to 1 ms. */
  lagP99Ms: number;
  /** Largest send lag, ms. */
  lagMaxMs: number;
  /** Largest sum over calls of bytes queued in the client sockets (not yet taken by the kernel). */
  maxBufferedBytes: number;
}

/** Generator → bench. */
export type GeneratorReport =
  | {
      type: 'ready';
      /** Calls whose stream opened. */
      connected: number;
      /** Calls whose upgrade failed or timed out. */
      failed: number;
      /** Up to five distinct failure reasons (HTTP status or error code). */
      failures: string[];
    }
  | {
      type: 'done';
      /** Stats over the measurement window. */
      window: SendStats;
      /** Media frames sent over the whole run, ramp and teardown included. */
      totalFramesSent: number;
      /** Open calls the server closed before `stop` (dropped calls). */
      closedEarly: number;
      /** Up to five distinct close codes and reasons of those calls. */
      earlyCloses: string[];
    };
