// `--fail-provider`: breaks one speech recognizer emulator for the rest of the call through
// its admin route (`POST /__admin/faults`), so the transcript shows the failover.
import type { FaultSpec } from '../faults/fault-spec.js';

/** Faults to queue before the call and once the call is half-way. */
export interface FailurePlan {
  /** Queued before the call is placed. */
  beforeCall: FaultSpec[];
  /** Queued when the caller starts the middle turn of the script. */
  midCall: FaultSpec[];
}

/** Requests and streams refused after the break: more than any demo call makes. */
const REFUSED_AFTER_BREAK = 1000;

/**
 * Google recognizes a call on one long gRPC stream, and faults apply when a stream opens; so
 * the call's stream is set up before the call to drop a while in (ms of audio), and every
 * stream after it is refused. Sarvam takes one HTTP request per utterance, so its failure
 * can be switched on mid-call.
 */
export function failurePlan(provider: 'google' | 'sarvam', dropAfterAudioMs: number): FailurePlan {
  const refuse: FaultSpec =
    provider === 'google'
      ? { kind: 'fail', code: 'UNAVAILABLE', count: REFUSED_AFTER_BREAK }
      : { kind: 'fail', code: 503, count: REFUSED_AFTER_BREAK };
  if (provider === 'sarvam') return { beforeCall: [], midCall: [refuse] };

  return { beforeCall: [{ kind: 'drop', ms: dropAfterAudioMs, count: 1 }, refuse], midCall: [] };
}

/** Queues faults on an emulator's admin route. */
export async function injectFaults(adminUrl: string, faults: FaultSpec[]): Promise<void> {
  for (const fault of faults) {
    const response = await fetch(`${adminUrl}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (response.status !== 204) throw new Error(`fault injection: HTTP ${response.status}`);
  }
}
