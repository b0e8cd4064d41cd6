// Faults injected at run time, consumed by the requests that come after.
import type { NotifyFault } from './types.js';

/** What a request must suffer: a delay, and maybe an error answer instead of its own. */
export interface FaultPlan {
  /** Delay before answering, in milliseconds. */
  delayMs: number;
  /** An error answer to send instead, if any. */
  error?: { status: number; retryAfterS?: number };
}

/** Pending faults, in the order they were injected. */
export class FaultQueue {
  private faults: NotifyFault[] = [];

  /** Adds a fault after checking it, naming the bad field. */
  add(fault: NotifyFault): void {
    this.faults.push(checkFault(fault));
  }

  /** Drops every pending fault. */
  clear(): void {
    this.faults = [];
  }

  /** Consumes what applies to one request: every latency fault, and the first error fault. */
  next(): FaultPlan {
    let delayMs = 0;
    let error: FaultPlan['error'];
    for (const fault of this.faults) {
      if (fault.kind === 'latency') {
        delayMs += fault.latencyMs;
        if (fault.count !== undefined) fault.count -= 1;
      } else if (error === undefined) {
        error =
          fault.kind === 'rate-limit'
            ? { status: 429, retryAfterS: fault.retryAfterS ?? 1 }
            : { status: fault.status ?? 503 };
        fault.count -= 1;
      }
    }
    this.faults = this.faults.filter((fault) => fault.count === undefined || fault.count > 0);

    return error === undefined ? { delayMs } : { delayMs, error };
  }
}

function checkFault(fault: NotifyFault): NotifyFault {
  const count = (fault as { count?: unknown }).count;
  const countRequired = fault.kind !== 'latency';
  if (
    (countRequired || count !== undefined) &&
    !(Number.isInteger(count) && (count as number) >= 1)
  ) {
    throw new TypeError('fault.count must be a positive integer');
  }

  switch (fault.kind) {
    case 'rate-limit':
      if (fault.retryAfterS !== undefined && !(fault.retryAfterS >= 0)) {
        throw new TypeError('fault.retryAfterS must be a number >= 0');
      }
      return { ...fault };
    case 'server-error':
      if (fault.status !== undefined && !(fault.status >= 500 && fault.status <= 599)) {
        throw new TypeError('fault.status must be within 500..599');
      }
      return { ...fault };
    case 'latency':
      if (!(fault.latencyMs >= 0 && fault.latencyMs <= 60_000)) {
        throw new TypeError('fault.latencyMs must be within 0..60000');
      }
      return { ...fault };
    default:
      throw new TypeError('fault.kind must be one of rate-limit, server-error, latency');
  }
}
