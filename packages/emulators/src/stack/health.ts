// Readiness waits: an HTTP health route that answers 200, or lines a process prints.
import { setTimeout as sleep } from 'node:timers/promises';

import type { ChildService } from './child-service.js';

/** Pause between two health polls, in ms: short, as every service is local. */
const POLL_INTERVAL_MS = 100;

/** Polls `url` until it answers 200; rejects when `signal` aborts. */
export async function waitForHttpOk(url: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, timeout()]) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet (connection refused): poll again.
    }
    await sleep(POLL_INTERVAL_MS, undefined, { signal });
  }
}

/** Resolves once `accept` holds for the lines the service has printed; checked per line. */
export function waitForLines(
  service: ChildService,
  accept: (lines: readonly string[]) => boolean,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!accept(service.lines())) return;

      done();
      resolve();
    };
    const abort = (): void => {
      done();
      reject(signal.reason);
    };
    const done = (): void => {
      service.off('line', check);
      signal.removeEventListener('abort', abort);
    };

    service.on('line', check);
    signal.addEventListener('abort', abort, { once: true });
    check();
  });
}

function timeout(): AbortSignal {
  return AbortSignal.timeout(2000);
}
