// gRPC failures the emulators answer with, and the unary-call path through an injected fault.
import { grpc } from 'google-gax';
import type { AppliedFault } from './fault-plan.js';
import { grpcStatusFor } from './status-map.js';

/** An error a gRPC handler ends a call with. */
export interface GrpcFailure {
  /** gRPC status code. */
  code: number;
  /** The status message. */
  details: string;
}

/** A gRPC failure with a status code and message. */
export function grpcFailure(code: number, details: string): GrpcFailure {
  return { code, details };
}

/** True when a handler's answer is a failure rather than a response. */
export function isGrpcFailure(value: unknown): value is GrpcFailure {
  return typeof value === 'object' && value !== null && 'code' in value && 'details' in value;
}

/** The credentials were rejected (the 'auth' fault), worded as Google words it. */
export function unauthenticated(): GrpcFailure {
  return grpcFailure(
    grpc.status.UNAUTHENTICATED,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  );
}

/** The failure a 'fail' fault answers with. */
export function injectedFailure(fault: AppliedFault): GrpcFailure {
  return grpcFailure(grpcStatusFor(fault.code), 'emulated provider failure (injected fault)');
}

/** A unary call's completion callback. */
export type UnaryCallback = (error: GrpcFailure | null, response?: unknown) => void;

/** Answers a unary call through the fault given to it. */
export function serveUnary(
  call: { getPeer(): string },
  callback: UnaryCallback,
  fault: AppliedFault | undefined,
  dropConnectionOf: (peer: string) => void,
  answer: () => unknown,
): void {
  if (fault?.kind === 'auth') return callback(unauthenticated());
  if (fault?.kind === 'fail') return callback(injectedFailure(fault));

  // A stalled request is never answered; the client's deadline (or close()) ends it.
  if (fault?.kind === 'stall') return;
  if (fault?.kind === 'drop') {
    setTimeout(() => dropConnectionOf(call.getPeer()), fault.ms);
    return;
  }

  const respond = (): void => {
    const response = answer();
    if (isGrpcFailure(response)) callback(response);
    else callback(null, response);
  };
  if (fault?.kind === 'latency') setTimeout(respond, fault.ms);
  else respond();
}
