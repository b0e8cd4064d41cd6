// Who may open a media stream: decided on the upgrade request, before the WebSocket handshake,
// so a refused peer costs one HTTP response and no socket state.
import type { Logger } from 'pino';
import type { MediaConfig } from '../ops/config.js';
import type { MediaMetrics } from '../ops/metrics.js';
import type { UpgradeDecision, UpgradeRequest } from '../transport/transport.js';
import { streamUrlForSignature, verifyTwilioSignature } from '../twilio/signature.js';

// Limit: behind an ingress every stream shows the ingress's address, so the per-address limit
// then caps the ingress as a whole; trusting X-Forwarded-For would need a trusted-proxy setting.
/**
 * Counts open streams per source address and in total, for the connection limits. Streams are
 * counted once open, not when the upgrade is accepted: a burst of upgrades in one tick can
 * overshoot a limit by the handshakes still in flight.
 */
export class ConnectionCounter {
  private readonly byAddress = new Map<string, number>();
  private count = 0;

  /** Open streams in total. */
  get total(): number {
    return this.count;
  }

  /** Open streams from `address`. */
  from(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  /** A stream from `address` opened. */
  add(address: string): void {
    this.count++;
    this.byAddress.set(address, this.from(address) + 1);
  }

  /** A stream from `address` closed. */
  remove(address: string): void {
    this.count--;
    const left = this.from(address) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }
}

/** Refuse with `status`, counted under `reason`. */
function refuse(status: number, reason: string): UpgradeDecision {
  return { accept: false, status, reason };
}

/** Decides upgrades: drain, signature, then the limits. */
export class Admission {
  constructor(
    private readonly config: MediaConfig,
    private readonly counter: ConnectionCounter,
    private readonly metrics: MediaMetrics,
    private readonly log: Logger,
    private readonly isDraining: () => boolean,
  ) {}

  /** Accepts the upgrade, or names the HTTP status to answer instead of 101. */
  decide(request: UpgradeRequest): UpgradeDecision {
    const decision = this.check(request);
    if (!decision.accept) {
      this.metrics.upgradesRejected.inc({ reason: decision.reason });
      this.log.warn(
        { remoteAddress: request.remoteAddress, status: decision.status, reason: decision.reason },
        'stream upgrade refused',
      );
    }

    return decision;
  }

  private check(request: UpgradeRequest): UpgradeDecision {
    // A draining server takes no new calls; 503 lets Twilio's side see a server-side refusal.
    if (this.isDraining()) return refuse(503, 'draining');

    // The signature comes before the limits, so an unsigned peer learns nothing of capacity.
    if (!this.signed(request)) return refuse(403, 'bad_signature');

    if (this.counter.total >= this.config.maxConnections) return refuse(503, 'max_connections');
    if (this.counter.from(request.remoteAddress) >= this.config.maxConnectionsPerIp) {
      return refuse(429, 'max_connections_per_ip');
    }

    return { accept: true };
  }

  /** With TWILIO_AUTH_TOKEN set, the upgrade must carry Twilio's signature of the wss URL. */
  private signed(request: UpgradeRequest): boolean {
    const token = this.config.twilioAuthToken;
    if (token === undefined) return true;

    const url = streamUrlForSignature({
      host: request.header('host'),
      forwardedHost: request.header('x-forwarded-host'),
      path: request.path,
      query: request.query,
      publicUrl: this.config.publicUrl,
    });

    return verifyTwilioSignature(token, url, request.header('x-twilio-signature'));
  }
}
