// Maps a fault's error code onto the protocol of the emulator that applies it, so one fault
// spec (for example from the failover bench) means the same outage on every provider.
import { grpc } from 'google-gax';

const httpToGrpc: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const grpcToHttp: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  DEADLINE_EXCEEDED: 504,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
};

/** The gRPC status (number) a 'fail' fault answers with; UNAVAILABLE when unset or unknown. */
export function grpcStatusFor(code: string | number | undefined): number {
  const name =
    typeof code === 'number' ? (httpToGrpc[code] ?? 'INTERNAL') : (code ?? 'UNAVAILABLE');
  const status = (grpc.status as unknown as Record<string, number | undefined>)[name];

  return status ?? grpc.status.UNAVAILABLE;
}

/** The HTTP status a 'fail' fault answers with; 503 when unset. */
export function httpStatusFor(code: string | number | undefined): number {
  if (typeof code === 'number') return code;
  if (code === undefined) return 503;

  return grpcToHttp[code] ?? 500;
}
