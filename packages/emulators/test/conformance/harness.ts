// Shared by the conformance and failover tests: the speech harness the failover bench uses
// too (fixture audio, VAD feeding, emulators with real clients), and test-only waiting helpers.
import type { FinalTranscript, Recognizer } from '@voice-agent/media-core/speech';

export * from '../../src/testing/speech-harness.js';

/** Every final a recognizer emits, in order. */
export function collectFinals(recognizer: Recognizer): FinalTranscript[] {
  const finals: FinalTranscript[] = [];
  recognizer.on('final', (f) => finals.push(f));

  return finals;
}

/**
 * Resolves once `done()` holds, polling; rejects after `timeoutMs` naming `what` (a function is
 * asked at the time-out, to tell what had arrived by then).
 */
export async function waitFor(
  done: () => boolean,
  what: string | (() => string),
  timeoutMs = 8000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
