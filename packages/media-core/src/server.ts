// The media server: built from its parts (transport, admission, sessions, DSP, ops).
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { Admission, ConnectionCounter } from './call/admission.js';
import type { DspOpener, PlaybackFactory } from './call/collaborators.js';
import { Playback } from './call/playback.js';
import { CallSession } from './call/session.js';
import { LiveStreams } from './call/streams.js';
import type { SessionSink } from './call/summary.js';
import { DspPool } from './dsp/pool.js';
import type { MediaConfig } from './ops/config.js';
import { drainStreams, type DrainResult } from './ops/drain.js';
import { DspHealthReporter } from './ops/dsp-health.js';
import { HealthState } from './ops/health.js';
import { createLogger } from './ops/log.js';
import { MediaMetrics } from './ops/metrics.js';
import { createTransport } from './transport/select.js';
import type {
  HttpReply,
  MediaTransport,
  TransportConnection,
  TransportHandlers,
} from './transport/transport.js';

type PlaybackInit = Parameters<PlaybackFactory>[0];

/** Path of the media WebSocket Twilio dials. */
export const MEDIA_PATH = '/media';

/** What createMediaServer takes. */
export interface MediaServerOptions {
  /** Configuration (see loadConfig). */
  config: MediaConfig;
  /** Root logger; default: pino at `config.logLevel`. */
  logger?: Logger;
  /** Registry for /metrics; default: a new one for this server. */
  registry?: Registry;
  /** Called with each new session, before its first message: attach per-call pipelines here. */
  onSession?: (session: CallSession) => void;
  /** Receives each session's summary when it ends. */
  sink?: SessionSink;
  /** DSP for inbound audio; default: a DspPool owned by the server; null: no DSP. */
  dsp?: DspOpener | null;
  /** Builds each call's playback; default: Playback with its default lead; null: none. */
  playback?: PlaybackFactory | null;
}

/** A media server: Twilio streams in, sessions out. */
export interface MediaServer {
  /** The configuration it runs on. */
  readonly config: MediaConfig;
  /** Its metrics (and their registry). */
  readonly metrics: MediaMetrics;
  /** What /health reports; parts may mark themselves degraded here. */
  readonly health: HealthState;
  /** The transport in use (`ws` when uWebSockets.js did not load). */
  readonly transportName: MediaTransport['name'];
  /** Open sessions. */
  sessions(): CallSession[];
  /** Starts listening on config.host:config.port; resolves with the bound port. */
  listen(): Promise<number>;
  /** Refuses new streams, lets calls finish up to DRAIN_TIMEOUT_MS, closes the rest (1001). */
  drain(): Promise<DrainResult>;
  /** Closes everything now: streams (1001), listener, DSP, metrics. Idempotent. */
  close(): Promise<void>;
}

/** Builds a media server; call `listen()` to start it. */
export function createMediaServer(options: MediaServerOptions): MediaServer {
  const { config } = options;
  const log = options.logger ?? createLogger(config.logLevel);
  const metrics = new MediaMetrics(options.registry ?? new Registry());
  const streams = new LiveStreams();
  const health = new HealthState(() => streams.size);
  const counter = new ConnectionCounter();
  const admission = new Admission(config, counter, metrics, log, () => health.draining);
  const dspHealth = new DspHealthReporter(health);
  const ownDsp =
    options.dsp === undefined
      ? new DspPool({
          threads: config.dspThreads,
          tickMs: config.dspTickMs,
          registry: metrics.registry,
          log,
          onWorkerFailure: () => dspHealth.workerFailed(),
        })
      : undefined;
  const dsp = options.dsp ?? ownDsp;
  const playback =
    options.playback === undefined ? (init: PlaybackInit) => new Playback(init) : options.playback;

  const handlers: TransportHandlers = {
    upgrade: (request) => admission.decide(request),
    open: (connection) => {
      counter.add(connection.remoteAddress);
      metrics.connections.inc({ transport: transport.name });
      metrics.activeCalls.inc();
      const session = new CallSession({
        connectionId: connection.id,
        send: (text) => connection.send(text),
        closeSocket: (code, reason) => connection.close(code, reason),
        metrics,
        log,
        dsp: dsp ?? undefined,
        playback: playback ?? undefined,
        sink: options.sink,
      });
      streams.add(connection, session);
      options.onSession?.(session);
    },
    message: (connection, text) => streams.get(connection)?.handleText(text),
    binary: (connection) => streams.get(connection)?.handleBinary(),
    close: (connection, code) => closed(connection, code),
    http: (path) => answerHttp(path, health, metrics),
  };
  const transport = createTransport(
    config.transport,
    { mediaPath: MEDIA_PATH, maxMessageBytes: config.maxMessageBytes, handlers },
    log,
  );

  function closed(connection: TransportConnection, code: number): void {
    counter.remove(connection.remoteAddress);
    metrics.connections.dec({ transport: transport.name });
    metrics.activeCalls.dec();
    streams.remove(connection)?.handleSocketClosed(code);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      streams.stopIdleCheck();
      await transport.close();
      await ownDsp?.close();
      dspHealth.close();
      metrics.close();
    })();

    return closing;
  };

  return {
    config,
    metrics,
    health,
    transportName: transport.name,
    sessions: () => streams.all(),
    async listen() {
      const port = await transport.listen(config.host, config.port);
      streams.startIdleCheck(config.idleTimeoutMs);
      log.info({ host: config.host, port, transport: transport.name }, 'media server listening');

      return port;
    },
    drain: () => drainStreams({ health, streams, timeoutMs: config.drainTimeoutMs, log }),
    close,
  };
}

/** Builds a media server and starts listening; resolves once it is listening. */
export async function startMediaServer(
  options: MediaServerOptions,
): Promise<{ server: MediaServer; port: number }> {
  const server = createMediaServer(options);
  try {
    const port = await server.listen();

    return { server, port };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** GET routes besides the media path. */
async function answerHttp(
  path: string,
  health: HealthState,
  metrics: MediaMetrics,
): Promise<HttpReply | undefined> {
  if (path === '/health') {
    const body = JSON.stringify(health.report());

    return { status: health.httpStatus(), contentType: 'application/json', body };
  }
  if (path === '/metrics') {
    const body = await metrics.render();

    return { status: 200, contentType: metrics.registry.contentType, body };
  }

  return undefined;
}
