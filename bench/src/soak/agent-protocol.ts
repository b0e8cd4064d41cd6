// What crosses the IPC channel between the soak bench and the voice agent it measures: the
// bench asks for the process's memory (optionally after a full garbage collection), the agent
// answers with process.memoryUsage(). Nothing else is sent, so the channel costs the agent
// one small message per sample.

/** Bench → agent: report your memory. */
export interface MemoryRequest {
  /** Always `memory`. */
  type: 'memory';
  /** Matches the answer to the request. */
  id: number;
  /** Run a full garbage collection first (the agent runs with --expose-gc). */
  collectGarbage: boolean;
}

/** Agent → bench: the process's memory, bytes. */
export interface MemoryReport {
  /** Always `memory`. */
  type: 'memory';
  /** The request's id. */
  id: number;
  /** V8 heap in use, bytes. */
  heapUsedBytes: number;
  /** V8 heap reserved, bytes. */
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JS objects (Buffers included), bytes. */
  externalBytes: number;
  /** ArrayBuffers and SharedArrayBuffers (Buffers included), bytes. */
  arrayBuffersBytes: number;
  /** False when a collection was asked for but gc is not exposed. */
  collected: boolean;
}

/** True when `message` is a MemoryRequest. */
export function isMemoryRequest(message: unknown): message is MemoryRequest {
  const candidate = message as Partial<MemoryRequest> | null;

  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'memory' &&
    typeof candidate.id === 'number' &&
    typeof candidate.collectGarbage === 'boolean'
  );
}

/** True when `message` is a MemoryReport. */
export function isMemoryReport(message: unknown): message is MemoryReport {
  const candidate = message as Partial<MemoryReport> | null;

  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'memory' &&
    typeof candidate.id === 'number' &&
    typeof candidate.heapUsedBytes === 'number'
  );
}
