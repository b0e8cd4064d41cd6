// Graceful drain: no new streams, active calls get up to DRAIN_TIMEOUT_MS to finish, then
// whatever is left is closed with 1001 (going away).
import type { Logger } from 'pino';
import type { LiveStreams } from '../call/streams.js';
import { CloseCode } from '../transport/transport.js';
import type { HealthState } from './health.js';

/** What a drain works on. */
export interface DrainTarget {
  /** Switched to draining: /health answers 503 and upgrades are refused with 503. */
  health: HealthState;
  /** The calls to wait for. */
  streams: LiveStreams;
  /** How long calls may take to finish, in ms. */
  timeoutMs: number;
  /** Server logger. */
  log: Logger;
}

/** Outcome of a drain. */
export interface DrainResult {
  /** Calls that ended on their own inside the window. */
  finished: number;
  /** Calls closed with 1001 when the window ran out. */
  closed: number;
  /** Time the drain took, in ms. */
  durationMs: number;
}

/** Waits for active calls to end (up to the timeout), then closes the rest with 1001. */
export async function drainStreams(target: DrainTarget): Promise<DrainResult> {
  const startedAtMs = performance.now();
  const activeAtStart = target.streams.size;
  target.health.startDraining();
  target.log.info({ activeCalls: activeAtStart, timeoutMs: target.timeoutMs }, 'drain started');

  await waitForEmpty(target.streams, target.timeoutMs);

  const left = target.streams.all();
  for (const session of left) session.finish('drain', CloseCode.goingAway, 'server draining');
  const result: DrainResult = {
    finished: activeAtStart - left.length,
    closed: left.length,
    durationMs: Math.round(performance.now() - startedAtMs),
  };
  target.log.info(result, 'drain finished');

  return result;
}

/** Resolves when no stream is left or after `timeoutMs`, whichever comes first. */
function waitForEmpty(streams: LiveStreams, timeoutMs: number): Promise<void> {
  if (streams.size === 0) return Promise.resolve();

  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      streams.off('empty', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    streams.on('empty', done);
  });
}
