// The live sessions of a server: one per open media socket, with the idle check.
import { EventEmitter } from 'node:events';
import type { TransportConnection } from '../transport/transport.js';
import { CloseCode } from '../transport/transport.js';
import type { CallSession } from './session.js';

/** Events of LiveStreams. */
interface LiveStreamsEvents {
  /** The last session ended. */
  empty: [];
}

/** The open sessions, by connection. */
export class LiveStreams extends EventEmitter<LiveStreamsEvents> {
  private readonly sessions = new Map<TransportConnection, CallSession>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** Open sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** The session of `connection`, if open. */
  get(connection: TransportConnection): CallSession | undefined {
    return this.sessions.get(connection);
  }

  /** Every open session. */
  all(): CallSession[] {
    return [...this.sessions.values()];
  }

  /** Tracks a session until its socket closes. */
  add(connection: TransportConnection, session: CallSession): void {
    this.sessions.set(connection, session);
  }

  /** Forgets the session of `connection`; emits `empty` when it was the last. */
  remove(connection: TransportConnection): CallSession | undefined {
    const session = this.sessions.get(connection);
    if (session === undefined) return undefined;

    this.sessions.delete(connection);
    if (this.sessions.size === 0) this.emit('empty');

    return session;
  }

  /**
   * Closes streams with no media for `idleTimeoutMs`. One sweep for all streams, a quarter of
   * the timeout apart, rather than a timer per stream re-armed on every frame: that would cost
   * 50 timer updates a second per call on the hot path.
   */
  startIdleCheck(idleTimeoutMs: number): void {
    const everyMs = Math.max(25, Math.floor(idleTimeoutMs / 4));
    this.idleTimer = setInterval(() => this.closeIdle(idleTimeoutMs), everyMs);
    this.idleTimer.unref();
  }

  /** Stops the idle check. Idempotent. */
  stopIdleCheck(): void {
    clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private closeIdle(idleTimeoutMs: number): void {
    const oldestAllowedMs = performance.now() - idleTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.lastMediaAtMs < oldestAllowedMs) {
        session.finish('idle', CloseCode.normal, 'no media within the idle timeout');
      }
    }
  }
}
