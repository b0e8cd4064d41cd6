// K call slots: each dials a call, plays its script to the end, and dials the next one at once,
// until the run's time is up; the scripts rotate so the slots do not play in step.
import { setTimeout as sleep } from 'node:timers/promises';

import type { ConversationScript } from '@voice-agent/emulators';

import { runCall, type CallContext, type CallRecord } from './call-runner.js';

/** A call that fails faster than this is followed by a pause of this length, ms: a dead agent
 * must not turn the slots into a busy loop of refused connections. */
const FAST_FAILURE_MS = 1000;

/** Longest gap between two slots' first calls, ms. */
const MAX_STAGGER_MS = 2000;

/** What the slots share. */
export interface SlotsContext extends CallContext {
  /** Scripts to play, in turn. */
  scripts: readonly ConversationScript[];
  /** Slots (calls open at once). */
  slots: number;
  /** How long the run lasts, ms (the first calls are spread over the first eighth of it). */
  durationMs: number;
  /** Called with every call as it ends, and the slot it ran in. */
  onCall: (record: CallRecord, slot: number) => void;
}

/** Runs every slot until `signal` aborts and each slot's last call has ended. */
export async function runSlots(context: SlotsContext): Promise<void> {
  const staggerMs = Math.min(MAX_STAGGER_MS, context.durationMs / 8 / context.slots);

  await Promise.all(
    Array.from({ length: context.slots }, (_, slot) => runSlot(slot, slot * staggerMs, context)),
  );
}

async function runSlot(slot: number, delayMs: number, context: SlotsContext): Promise<void> {
  // Why staggered: K calls dialled in the same millisecond would greet, listen and reply in
  // step for the whole run, a load no real call centre sees.
  await sleep(delayMs, undefined, { signal: context.signal }).catch(() => undefined);

  for (let index = 0; !context.signal.aborted; index++) {
    const script = context.scripts[(slot + index) % context.scripts.length] as ConversationScript;
    const record = await runCall(`soak-${slot}-${index}`, script, context);
    context.onCall(record, slot);

    if (record.result === 'failed' && record.durationMs < FAST_FAILURE_MS) {
      await sleep(FAST_FAILURE_MS, undefined, { signal: context.signal }).catch(() => undefined);
    }
  }
}
