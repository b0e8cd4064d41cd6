import { Status } from 'google-gax';

/** Why a provider was given up on; each reason is a cause for failover. */
export type FailoverReason =
  'connection' | 'server' | 'timeout' | 'quota' | 'auth' | 'stall' | 'invalid';

/** Stable error codes of the speech and voice clients. */
export type SpeechErrorCode =
  | 'SPEECH_CONNECTION'
  | 'SPEECH_SERVER'
  | 'SPEECH_TIMEOUT'
  | 'SPEECH_QUOTA'
  | 'SPEECH_AUTH'
  | 'SPEECH_STALL'
  | 'SPEECH_INVALID_REQUEST'
  | 'SPEECH_NO_PROVIDER';

const codeByReason: Record<FailoverReason, SpeechErrorCode> = {
  connection: 'SPEECH_CONNECTION',
  server: 'SPEECH_SERVER',
  timeout: 'SPEECH_TIMEOUT',
  quota: 'SPEECH_QUOTA',
  auth: 'SPEECH_AUTH',
  stall: 'SPEECH_STALL',
  invalid: 'SPEECH_INVALID_REQUEST',
};

/** What a SpeechError is built from. */
export interface SpeechErrorInit {
  /** Why the provider failed. */
  reason: FailoverReason;
  /** Provider name, e.g. `google` or `sarvam`. */
  provider: string;
  /** The provider's request id, when it gave one. */
  requestId?: string | undefined;
  /** HTTP status or gRPC status code the provider answered with. */
  status?: number | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** A provider failure, carrying what the failover decision needs. */
export class SpeechError extends Error {
  /** Stable code, derived from the reason (or SPEECH_NO_PROVIDER). */
  readonly code: SpeechErrorCode;
  /** Whether trying again (same or another provider) can succeed. */
  readonly retryable: boolean;
  /** Why the provider failed. */
  readonly reason: FailoverReason;
  /** Provider that failed. */
  readonly provider: string;
  /** The provider's request id, when known. */
  readonly requestId: string | undefined;
  /** HTTP status or gRPC status code, when known. */
  readonly status: number | undefined;

  constructor(message: string, init: SpeechErrorInit, code?: SpeechErrorCode) {
    super(message, { cause: init.cause });
    this.name = 'SpeechError';
    this.code = code ?? codeByReason[init.reason];
    this.reason = init.reason;
    this.retryable = init.reason !== 'auth' && init.reason !== 'invalid';
    this.provider = init.provider;
    this.requestId = init.requestId;
    this.status = init.status;
  }
}

/** Maps a gRPC status code (Google) to a failover reason. */
export function reasonFromGrpcStatus(code: number | undefined): FailoverReason {
  switch (code) {
    case Status.UNAUTHENTICATED:
    case Status.PERMISSION_DENIED:
      return 'auth';
    case Status.RESOURCE_EXHAUSTED:
      return 'quota';
    case Status.DEADLINE_EXCEEDED:
      return 'timeout';
    case Status.INVALID_ARGUMENT:
    case Status.FAILED_PRECONDITION:
    case Status.UNIMPLEMENTED:
      return 'invalid';
    case Status.UNAVAILABLE:
      // grpc-js reports a refused or dropped connection as UNAVAILABLE too; the details tell.
      return 'server';
    default:
      return 'server';
  }
}

/** Maps an HTTP status (Sarvam) to a failover reason. */
export function reasonFromHttpStatus(status: number): FailoverReason {
  if (status === 401 || status === 403) return 'auth';

  if (status === 429) return 'quota';

  if (status === 408 || status === 504) return 'timeout';

  if (status >= 500) return 'server';

  return 'invalid';
}

/** Turns a gRPC error from a Google client into a SpeechError. */
export function speechErrorFromGrpc(err: unknown, provider: string): SpeechError {
  const grpcErr = err as { code?: number; details?: string; message?: string };
  const reason = isConnectionDetail(grpcErr.details ?? grpcErr.message)
    ? 'connection'
    : reasonFromGrpcStatus(grpcErr.code);
  const requestId = requestIdFromGrpc(err);

  return new SpeechError(`${provider}: ${grpcErr.message ?? 'gRPC failure'}`, {
    reason,
    provider,
    requestId,
    status: grpcErr.code,
    cause: err,
  });
}

/** Turns a transport error from undici (no HTTP answer) into a SpeechError. */
export function speechErrorFromTransport(err: unknown, provider: string): SpeechError {
  const code = (err as { code?: string }).code ?? '';
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const message = (err as Error).message ?? String(err);

  return new SpeechError(`${provider}: ${message}`, {
    reason: timedOut ? 'timeout' : 'connection',
    provider,
    cause: err,
  });
}

/** grpc-js details of a transport failure (refused, reset or dropped connection). */
const CONNECTION_DETAIL =
  /ECONNREFUSED|ECONNRESET|EPIPE|No connection established|Connection dropped|socket hang up/i;

function isConnectionDetail(text: string | undefined): boolean {
  return text !== undefined && CONNECTION_DETAIL.test(text);
}

function requestIdFromGrpc(err: unknown): string | undefined {
  const metadata = (err as { metadata?: { get?: (key: string) => unknown[] } }).metadata;
  const values = metadata?.get?.('x-request-id') ?? metadata?.get?.('request-id');
  const first = values?.[0];

  return first === undefined ? undefined : String(first);
}
