// Test harness: a media server on 127.0.0.1:0 and a peer that speaks Twilio's side of the
// protocol over a real WebSocket. Shared by the transport, session and ops tests.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import {
  createMediaServer,
  loadConfig,
  type MediaConfig,
  type MediaServer,
  type MediaServerOptions,
  type TransportName,
} from '../../src/index.js';

/** Both transports: every transport test runs once per entry. */
export const TRANSPORTS: TransportName[] = ['uws', 'ws'];

/** One frame of μ-law silence, base64 (160 bytes of 0xff). */
export const SILENCE_FRAME = Buffer.alloc(160, 0xff).toString('base64');

/** A logger that keeps its JSON lines in memory, for assertions on what was logged. */
export function memoryLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  return { log, lines };
}

/** Test configuration: port 0, no DSP threads, quiet. */
export function testConfig(transport: TransportName, overrides: Partial<MediaConfig> = {}) {
  const base = loadConfig({ MEDIA_PORT: '0', MEDIA_TRANSPORT: transport, LOG_LEVEL: 'silent' });

  return { ...base, dspThreads: 1, ...overrides };
}

/** A running server and where to reach it. */
export interface TestServer {
  server: MediaServer;
  port: number;
  /** ws:// URL of the media path. */
  mediaUrl: string;
  /** http:// base URL. */
  httpUrl: string;
}

/** Starts a server on 127.0.0.1:0; DSP is off unless `options.dsp` says otherwise. */
export async function startTestServer(
  transport: TransportName,
  overrides: Partial<MediaConfig> = {},
  options: Omit<MediaServerOptions, 'config'> = {},
): Promise<TestServer> {
  const config = testConfig(transport, overrides);
  const server = createMediaServer({
    config,
    logger: pino({ level: 'silent' }),
    dsp: null,
    ...options,
  });
  const port = await server.listen();

  return {
    server,
    port,
    mediaUrl: `ws://127.0.0.1:${port}/media`,
    httpUrl: `http://127.0.0.1:${port}`,
  };
}

/** How a socket closed. */
export interface Closed {
  code: number;
  reason: string;
}

/** Twilio's side of a media stream, on a real WebSocket. */
export class TwilioPeer {
  /** Text frames the server sent, parsed. */
  readonly received: Record<string, unknown>[] = [];
  /** Resolves when the socket closes. */
  readonly closed: Promise<Closed>;
  readonly streamSid: string;
  private sequenceNumber = 0;

  private constructor(
    readonly socket: WebSocket,
    streamSid: string,
  ) {
    this.streamSid = streamSid;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    socket.on('message', (data: Buffer) => {
      this.received.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    });
  }

  /** Opens the media WebSocket; rejects when the upgrade is refused. */
  static connect(
    url: string,
    headers: Record<string, string> = {},
    streamSid = 'MZ00000000000000000000000000000001',
  ) {
    return new Promise<TwilioPeer>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new TwilioPeer(socket, streamSid)));
      socket.once('error', reject);
    });
  }

  /** Sends a text frame as is. */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends an object as a JSON text frame. */
  sendJson(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** `connected`, as Twilio sends it first. */
  connected(): void {
    this.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  }

  /** `start` with custom parameters. */
  start(
    customParameters: Record<string, string> = {},
    callSid = 'CA00000000000000000000000000000001',
  ): void {
    this.sendJson({
      event: 'start',
      sequenceNumber: this.nextSequence(),
      start: {
        streamSid: this.streamSid,
        accountSid: 'AC00000000000000000000000000000001',
        callSid,
        tracks: ['inbound'],
        customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
  }

  /** One `media` frame in Twilio's own key order; `chunk` counts from 1. */
  media(chunk: number, payload = SILENCE_FRAME): void {
    const sequenceNumber = this.nextSequence();
    const timestamp = String((chunk - 1) * 20);
    this.sendRaw(
      `{"event":"media","sequenceNumber":"${sequenceNumber}","media":{"track":"inbound",` +
        `"chunk":"${chunk}","timestamp":"${timestamp}","payload":"${payload}"},` +
        `"streamSid":"${this.streamSid}"}`,
    );
  }

  /** `dtmf` with one digit. */
  dtmf(digit: string): void {
    this.sendJson({
      event: 'dtmf',
      sequenceNumber: this.nextSequence(),
      streamSid: this.streamSid,
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** `mark` echo. */
  mark(name: string): void {
    this.sendJson({
      event: 'mark',
      sequenceNumber: this.nextSequence(),
      streamSid: this.streamSid,
      mark: { name },
    });
  }

  /** `stop`, the last message. */
  stop(): void {
    this.sendJson({
      event: 'stop',
      sequenceNumber: this.nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: 'AC00000000000000000000000000000001', callSid: 'CA1' },
    });
  }

  /** Closes without `stop` (a dropped connection, as far as the server can tell). */
  drop(): void {
    this.socket.terminate();
  }

  private nextSequence(): string {
    this.sequenceNumber++;

    return String(this.sequenceNumber);
  }
}

/** The HTTP status an upgrade got: 101 when it opened, the refusal status otherwise. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** Polls `condition` every 5 ms until true, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads one metric's value from the Prometheus text (first line matching `name{labels}`). */
export async function metricValue(server: MediaServer, name: string): Promise<number | undefined> {
  const text = await server.metrics.render();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));

  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}
