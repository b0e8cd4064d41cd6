// The `ws` transport on node:http: the fallback when uWebSockets.js cannot load, and the
// baseline the load benchmark compares against.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { normalizeAddress } from './address.js';
import { statusText } from './http-reply.js';
import {
  CloseCode,
  type MediaTransport,
  type TransportConnection,
  type TransportOptions,
  type UpgradeRequest,
} from './transport.js';

/** How long close() waits for peers to answer a forced close before giving up, in ms. */
const CLOSE_GRACE_MS = 1000;

class WsConnection implements TransportConnection {
  /** Close code to report when ws itself ended the socket (it reports 1006 otherwise). */
  closeCode: number | undefined;
  private closing = false;

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    readonly socket: WebSocket,
  ) {}

  send(text: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;

    this.socket.send(text);

    return true;
  }

  close(code: number, reason: string): void {
    if (this.closing) return;

    this.closing = true;
    this.closeCode = code;
    this.socket.close(code, reason);
  }
}

/** A MediaTransport on `ws` + node:http. */
export class WsTransport implements MediaTransport {
  readonly name = 'ws' as const;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsConnection>();
  private nextId = 1;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: TransportOptions) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  stopListening(): void {
    if (this.server.listening) this.server.close();
  }

  close(): Promise<void> {
    this.closed ??= this.closeAll();

    return this.closed;
  }

  private async closeAll(): Promise<void> {
    this.stopListening();

    const closing = [...this.connections].map((connection) => this.terminate(connection));
    await Promise.all(closing);
    this.server.closeAllConnections();
    this.wss.close();
  }

  /** Ends a socket now: a 1001 frame, then the TCP socket if the peer does not answer. */
  private terminate(connection: WsConnection): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => connection.socket.terminate(), CLOSE_GRACE_MS);
      connection.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      connection.close(CloseCode.goingAway, 'server closing');
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end(statusText(405));
      return;
    }

    this.options.handlers.http(path).then(
      (reply) => {
        if (reply === undefined) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(statusText(404));
          return;
        }
        res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body);
      },
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end(statusText(500)),
    );
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const remoteAddress = normalizeAddress(req.socket.remoteAddress);
    if (path !== this.options.mediaPath) {
      rejectUpgrade(socket, 404);
      return;
    }

    const request: UpgradeRequest = {
      path,
      query,
      remoteAddress,
      header: (name) => headerValue(req, name),
    };
    const decision = this.options.handlers.upgrade(request);
    if (!decision.accept) {
      rejectUpgrade(socket, decision.status);
      return;
    }

    this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws, remoteAddress));
  }

  private onOpen(socket: WebSocket, remoteAddress: string): void {
    const connection = new WsConnection(this.nextId++, remoteAddress, socket);
    const handlers = this.options.handlers;
    this.connections.add(connection);

    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) handlers.binary(connection);
      else handlers.message(connection, rawToText(data));
    });
    socket.on('error', (error: Error & { code?: string }) => {
      // ws has already sent the close frame; remember its code, since 'close' reports 1006.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        connection.closeCode = CloseCode.messageTooBig;
      }
    });
    socket.on('close', (code: number) => {
      this.connections.delete(connection);
      handlers.close(connection, connection.closeCode ?? code);
    });
    handlers.open(connection);
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];

  return Array.isArray(value) ? value.join(',') : value;
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');

  return Buffer.from(data).toString('utf8');
}

/** Answers the upgrade with a plain HTTP status instead of 101 and drops the socket. */
function rejectUpgrade(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${statusText(status)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
