// What an emulator has seen, served by `GET /__admin/stats` so tests and benches can check it.

/** Counters of one emulator since it started. */
export class EmulatorStats {
  /** Unary requests (gRPC unary calls, HTTP requests) received. */
  requests = 0;
  /** Streams (gRPC streaming calls) opened. */
  streams = 0;
  /** Audio bytes received, all requests and streams together. */
  audioBytes = 0;

  /** A plain snapshot for JSON. */
  toJSON(): Record<string, number> {
    return {
      requests: this.requests,
      streams: this.streams,
      audioBytes: this.audioBytes,
    };
  }
}
