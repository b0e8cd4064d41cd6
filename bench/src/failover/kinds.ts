// The failure kinds the bench kills the leading provider with, as each emulator is told.
import type { FaultSpec } from '@voice-agent/emulators';

/** One way to kill a provider. */
export interface FailureKind {
  /** The failover reason it must be reported as. */
  reason: string;
  /** The fault for the Google Speech emulator (gRPC). */
  google: FaultSpec;
  /** The fault for the Sarvam emulator (HTTP). */
  sarvam: FaultSpec;
}

/** Every kind the issue names. */
export const FAILURE_KINDS: FailureKind[] = [
  { reason: 'connection', google: { kind: 'drop' }, sarvam: { kind: 'drop', ms: 0 } },
  {
    reason: 'server',
    google: { kind: 'fail', code: 'UNAVAILABLE' },
    sarvam: { kind: 'fail', code: 503 },
  },
  {
    reason: 'timeout',
    google: { kind: 'fail', code: 'DEADLINE_EXCEEDED' },
    sarvam: { kind: 'fail', code: 504 },
  },
  {
    reason: 'quota',
    google: { kind: 'fail', code: 'RESOURCE_EXHAUSTED' },
    sarvam: { kind: 'fail', code: 429 },
  },
  { reason: 'auth', google: { kind: 'auth' }, sarvam: { kind: 'auth' } },
  { reason: 'stall', google: { kind: 'stall' }, sarvam: { kind: 'stall' } },
];

/** Whether the Google emulator applies this fault as a stream opens (not at an audio position). */
export function strikesAtOpen(fault: FaultSpec): boolean {
  return fault.kind !== 'drop' && fault.kind !== 'stall';
}
