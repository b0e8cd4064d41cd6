// The one interface both WebSocket servers (uWebSockets.js and ws) implement. A transport
// moves bytes and enforces frame-level rules; what the messages mean is the server's business.
import type { TransportName } from '../ops/config.js';

/** What the server may read of an upgrade request, before deciding on it. */
export interface UpgradeRequest {
  /** Request path, from the leading slash, without the query. */
  path: string;
  /** Raw query string without `?`; empty when none. */
  query: string;
  /** Source address of the TCP connection, as text. */
  remoteAddress: string;
  /** A request header by lowercase name, or undefined. */
  header(name: string): string | undefined;
}

/** The server's answer to an upgrade: accept it, or an HTTP status sent instead of 101. */
export type UpgradeDecision = { accept: true } | { accept: false; status: number; reason: string };

/** One open WebSocket. */
export interface TransportConnection {
  /** Unique per transport, from 1. */
  readonly id: number;
  /** Source address as text. */
  readonly remoteAddress: string;
  /** Sends a text frame; false when it was dropped or the socket is closed. */
  send(text: string): boolean;
  /** Sends a close frame with `code` and `reason`; later calls do nothing. */
  close(code: number, reason: string): void;
}

/** A plain HTTP response (for /health and /metrics). */
export interface HttpReply {
  /** HTTP status code. */
  status: number;
  /** Content-Type header. */
  contentType: string;
  /** Response body. */
  body: string;
}

/** What a transport calls into. Handlers never throw into the transport (the server catches). */
export interface TransportHandlers {
  /** Decides an upgrade to the media path, synchronously, before the handshake. */
  upgrade(request: UpgradeRequest): UpgradeDecision;
  /** A WebSocket opened. */
  open(connection: TransportConnection): void;
  /** A text frame arrived (already UTF-8 checked by the transport, per RFC 6455 §8.1). */
  message(connection: TransportConnection, text: string): void;
  /** A binary frame arrived; the transport delivers nothing of it. */
  binary(connection: TransportConnection): void;
  /** The socket closed, for whatever reason; called once per opened connection. */
  close(connection: TransportConnection, code: number): void;
  /** A GET on another path than the media path; undefined means 404. */
  http(path: string): Promise<HttpReply | undefined>;
}

/** Options shared by both transports. */
export interface TransportOptions {
  /** Path of the media WebSocket, e.g. `/media`. */
  mediaPath: string;
  /** Largest message accepted, in bytes; larger ones close the socket with 1009. */
  maxMessageBytes: number;
  /** Where events go. */
  handlers: TransportHandlers;
}

/** A WebSocket + HTTP server. */
export interface MediaTransport {
  /** Which implementation this is (the `transport` label of media_connections). */
  readonly name: TransportName;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops listening for new connections; open sockets stay open. Idempotent. */
  stopListening(): void;
  /** Stops listening and force-closes whatever is still open. Idempotent. */
  close(): Promise<void>;
}

/** WebSocket close codes this server sends (RFC 6455 §7.4.1). */
export const CloseCode = {
  /** 1000: normal closure. */
  normal: 1000,
  /** 1001: going away (server drain). */
  goingAway: 1001,
  /** 1003: a data type the endpoint cannot accept (binary frames; Twilio error 31950). */
  unsupportedData: 1003,
  /** 1008: policy violation. */
  policyViolation: 1008,
  /** 1009: message too big to process. */
  messageTooBig: 1009,
} as const;
