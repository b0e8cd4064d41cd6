// The fault kinds every emulator understands, and the check that turns admin JSON into one.

/** What an injected fault does to the requests or streams it applies to. */
export type FaultKind = 'fail' | 'latency' | 'stall' | 'drop' | 'auth';

/** One fault to inject into an emulator, as posted to `POST /__admin/faults`. */
export interface FaultSpec {
  /** fail: answer with an error; latency: delay answers; stall: stop answering but keep the
   * stream open; drop: destroy the connection; auth: reject the credentials. */
  kind: FaultKind;
  /** How many following requests/streams it applies to (default 1; 'auth' until cleared). */
  count?: number;
  /** For 'fail': a gRPC status name ('UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED',
   * 'INTERNAL', …) or an HTTP status (429, 500, 503); the other protocol gets the closest match. */
  code?: string | number;
  /** For 'latency': added ms; for 'stall'/'drop': ms of audio into the stream (HTTP: ms of wall
   * time after the request arrived) before it happens. */
  ms?: number;
}

/** The run-time control every emulator exposes (in process, and over its admin route). */
export interface EmulatorFaults {
  /** Queues a fault; faults apply in the order they were injected. */
  inject(fault: FaultSpec): void;
  /** Removes every queued fault, including a standing 'auth' rejection. */
  clear(): void;
}

/** Bad fault JSON: names the field and the rule it broke. */
export class FaultSpecError extends Error {
  /** Stable code for callers that branch on it. */
  readonly code = 'EMULATOR_BAD_FAULT';
}

const kinds: readonly FaultKind[] = ['fail', 'latency', 'stall', 'drop', 'auth'];

/** Checks untrusted JSON and returns it as a FaultSpec; throws FaultSpecError naming the field. */
export function parseFaultSpec(json: unknown): FaultSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FaultSpecError('fault: must be a JSON object');
  }

  const input = json as Record<string, unknown>;
  const kind = input.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind as FaultKind)) {
    throw new FaultSpecError(`kind: must be one of ${kinds.join(', ')}`);
  }

  const spec: FaultSpec = { kind: kind as FaultKind };
  if (input.count !== undefined) spec.count = checkCount(input.count);
  if (input.ms !== undefined) spec.ms = checkMs(input.ms);
  if (input.code !== undefined) spec.code = checkCode(input.code);

  return spec;
}

function checkCount(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new FaultSpecError('count: must be an integer >= 1');
  }

  return value as number;
}

function checkMs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 3_600_000) {
    throw new FaultSpecError('ms: must be a number of milliseconds from 0 to 3600000');
  }

  return value;
}

function checkCode(value: unknown): string | number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599) {
    return value;
  }

  if (typeof value === 'string' && /^[A-Z_]+$/.test(value)) return value;

  throw new FaultSpecError('code: must be an HTTP status 400-599 or a gRPC status name');
}
