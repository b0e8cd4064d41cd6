// The uWebSockets.js transport: the primary one (native, no per-message allocations in JS).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Uws from 'uWebSockets.js';
import { normalizeAddress } from './address.js';
import { statusText } from './http-reply.js';
import {
  CloseCode,
  type MediaTransport,
  type TransportConnection,
  type TransportOptions,
  type UpgradeRequest,
} from './transport.js';

/** The uWebSockets.js module (its type declarations describe the native addon). */
export type UwsModule = typeof Uws;

/** What a socket carries between uWS callbacks. */
interface SocketData {
  remoteAddress: string;
  connection?: UwsConnection;
}

/**
 * Loads the native addon itself rather than through the package's entry, because that entry
 * silently swaps in a slow JavaScript imitation when the binary does not match this Node; here
 * a mismatch must surface so the server can choose the `ws` transport and say so.
 */
export function loadUws(): UwsModule {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('uWebSockets.js/package.json'));
  const { platform, arch } = process;
  const binary = join(root, 'binaries', `uws_${platform}_${arch}_${process.versions.modules}.node`);

  return require(binary) as UwsModule;
}

/** uWS's hard message cap, as a multiple of the server's limit (see `maxPayloadLength`). */
const HARD_CAP_FACTOR = 16;

/** The reason uWS gives when it drops a socket over its hard cap. */
const UWS_TOO_BIG = 'Received too big message';

/**
 * Decodes each text message once, straight from uWS's ArrayBuffer (about half the cost of
 * wrapping it in a Buffer first). `ignoreBOM` keeps a leading BOM in the text, as Buffer's
 * decoder does, so such a message is still refused as malformed JSON.
 */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Reports what closed the socket: our own code if we closed it, 1009 for uWS's hard cap. */
function closeCodeOf(connection: UwsConnection, code: number, message: ArrayBuffer): number {
  if (connection.sentCode !== undefined) return connection.sentCode;
  if (Buffer.from(message).toString('utf8') === UWS_TOO_BIG) return CloseCode.messageTooBig;

  return code;
}

class UwsConnection implements TransportConnection {
  /** False once uWS ran the close handler: the socket object is invalid from then on. */
  open = true;
  /** The code we closed with, if we did. */
  sentCode: number | undefined;

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    private readonly socket: Uws.WebSocket<SocketData>,
  ) {}

  send(text: string): boolean {
    if (!this.open) return false;

    // 2 means dropped at the backpressure limit; 0 means queued behind backpressure.
    return this.socket.send(text, false) !== 2;
  }

  close(code: number, reason: string): void {
    if (!this.open) return;

    this.sentCode = code;
    this.socket.end(code, reason);
  }
}

/** A MediaTransport on uWebSockets.js. */
export class UwsTransport implements MediaTransport {
  readonly name = 'uws' as const;
  private readonly app: Uws.TemplatedApp;
  private readonly connections = new Set<UwsConnection>();
  private listenSocket: Uws.us_listen_socket | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly uws: UwsModule,
    private readonly options: TransportOptions,
  ) {
    this.app = uws.App();
    this.app.ws<SocketData>(options.mediaPath, this.behavior());
    this.app.get('/*', (res, req) => this.onGet(res, req));
    this.app.any('/*', (res) => {
      res.writeStatus(statusText(405)).end(statusText(405), true);
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (listenSocket) => {
        if (listenSocket === false) {
          reject(new Error(`uWebSockets.js could not listen on ${host}:${port}`));
          return;
        }
        this.listenSocket = listenSocket;
        resolve(this.uws.us_socket_local_port(listenSocket as Uws.us_socket));
      });
    });
  }

  stopListening(): void {
    if (this.listenSocket === undefined) return;

    this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    this.stopListening();
    for (const connection of [...this.connections]) {
      connection.close(CloseCode.goingAway, 'server closing');
    }
  }

  private behavior(): Uws.WebSocketBehavior<SocketData> {
    const handlers = this.options.handlers;

    return {
      // uWS drops a socket over its limit without a close frame; RFC 6455 §7.4.1 asks for
      // 1009. So uWS gets a hard cap well above ours, and `message` sends 1009 for the rest.
      maxPayloadLength: this.options.maxMessageBytes * HARD_CAP_FACTOR,
      // The server runs its own idle check on media; uWS's timer would also cut a stream
      // whose only traffic is pings, which is what an idle stream looks like.
      idleTimeout: 0,
      compression: this.uws.DISABLED,
      upgrade: (res, req, context) => this.onUpgrade(res, req, context),
      open: (ws) => {
        const data = ws.getUserData();
        const connection = new UwsConnection(this.nextId++, data.remoteAddress, ws);
        data.connection = connection;
        this.connections.add(connection);
        handlers.open(connection);
      },
      message: (ws, message, isBinary) => {
        const connection = ws.getUserData().connection;
        if (connection === undefined) return;

        if (message.byteLength > this.options.maxMessageBytes) {
          connection.close(CloseCode.messageTooBig, 'message too big');
          return;
        }

        // The ArrayBuffer is only valid during this callback: decode it now.
        if (isBinary) handlers.binary(connection);
        else handlers.message(connection, UTF8.decode(message));
      },
      close: (ws, code, message) => {
        const connection = ws.getUserData().connection;
        if (connection === undefined) return;

        connection.open = false;
        this.connections.delete(connection);
        handlers.close(connection, closeCodeOf(connection, code, message));
      },
    };
  }

  private onUpgrade(res: Uws.HttpResponse, req: Uws.HttpRequest, context: Uws.us_socket_context_t) {
    // HttpRequest lives on the stack of this callback: read everything before returning.
    const remoteAddress = normalizeAddress(Buffer.from(res.getRemoteAddressAsText()).toString());
    const request: UpgradeRequest = {
      path: req.getUrl(),
      query: req.getQuery() ?? '',
      remoteAddress,
      header: (name) => {
        const value = req.getHeader(name);
        return value === '' ? undefined : value;
      },
    };

    const decision = this.options.handlers.upgrade(request);
    if (!decision.accept) {
      res.writeStatus(statusText(decision.status)).end('', true);
      return;
    }

    res.upgrade<SocketData>(
      { remoteAddress },
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  }

  private onGet(res: Uws.HttpResponse, req: Uws.HttpRequest): void {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });

    // Closing after each reply: a kept-alive HTTP socket would hold the process open on close.
    const reply = (status: number, contentType: string, body: string) => {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(statusText(status)).writeHeader('content-type', contentType);
        res.end(body, true);
      });
    };

    this.options.handlers.http(req.getUrl()).then(
      (answer) => {
        if (answer === undefined) reply(404, 'text/plain', statusText(404));
        else reply(answer.status, answer.contentType, answer.body);
      },
      () => reply(500, 'text/plain', statusText(500)),
    );
  }
}
