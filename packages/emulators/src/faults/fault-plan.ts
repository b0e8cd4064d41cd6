// The queue of injected faults an emulator consults at the start of each request or stream.
import type { EmulatorFaults, FaultSpec } from './fault-spec.js';
import { parseFaultSpec } from './fault-spec.js';

/** The fault one request or stream got, fixed when it started. */
export interface AppliedFault {
  /** What to do. */
  kind: FaultSpec['kind'];
  /** The error code for 'fail' (as injected). */
  code?: string | number;
  /** Added latency, or audio ms before a stall or drop. */
  ms: number;
}

/** Faults in injection order; each applies to its next `count` requests/streams. */
export class FaultPlan implements EmulatorFaults {
  private queue: { spec: FaultSpec; remaining: number }[] = [];
  private authRejections: number | 'until-cleared' | 0 = 0;
  private appliedCount = 0;

  /** Queues a fault (validated: an invalid spec throws FaultSpecError naming the field). */
  inject(fault: FaultSpec): void {
    const spec = parseFaultSpec(fault);
    if (spec.kind === 'auth') {
      this.authRejections = spec.count ?? 'until-cleared';
      return;
    }

    this.queue.push({ spec, remaining: spec.count ?? 1 });
  }

  /** Drops every queued fault and the standing 'auth' rejection. */
  clear(): void {
    this.queue = [];
    this.authRejections = 0;
  }

  /** How many requests/streams have been given a fault so far. */
  get applied(): number {
    return this.appliedCount;
  }

  /** Takes the fault for a request/stream that is starting now (undefined: serve it normally). */
  take(): AppliedFault | undefined {
    if (this.authRejections !== 0) {
      if (typeof this.authRejections === 'number') this.authRejections -= 1;
      this.appliedCount += 1;

      return { kind: 'auth', ms: 0 };
    }

    const head = this.queue[0];
    if (!head) return undefined;

    head.remaining -= 1;
    if (head.remaining <= 0) this.queue.shift();
    this.appliedCount += 1;

    return { kind: head.spec.kind, code: head.spec.code, ms: head.spec.ms ?? 0 };
  }
}
