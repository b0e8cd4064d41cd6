// What a load run does, from the command line and the environment:
//   npm run bench -- load [--quick]
//   LOAD_STEPS=1,50,100  LOAD_STEP_SECONDS=12  LOAD_TRANSPORTS=uws,ws  LOAD_QUICK=1
//   LOAD_FIXTURE=path/to/8k-mulaw.wav
import { fileURLToPath } from 'node:url';

import type { TransportName } from '@voice-agent/media-core';

/** Options of one load run. */
export interface LoadOptions {
  /** Concurrent calls per step, ascending; a transport stops at its first broken step. */
  steps: number[];
  /** Measured time per step, ms (ramp, warm-up and teardown come on top). */
  stepMs: number;
  /** Transports to run, in order, each on a fresh server. */
  transports: TransportName[];
  /** 8 kHz μ-law WAV the callers play. */
  fixturePath: string;
  /** True for the short run (`--quick` or LOAD_QUICK=1). */
  quick: boolean;
}

const FULL_STEPS = [1, 50, 100, 200, 400, 800];
const QUICK_STEPS = [1, 50, 200];
const FULL_STEP_SECONDS = 12;
const QUICK_STEP_SECONDS = 4;

/** A long call with speech and pauses, so VAD and DSP see real phone audio. */
const DEFAULT_FIXTURE = fileURLToPath(
  new URL('../../../../fixtures/audio/long-call/long-call-en-IN.wav', import.meta.url),
);

/** Reads the options; throws RangeError naming the variable and its rule. */
export function loadOptions(
  argv: readonly string[] = process.argv,
  env: Record<string, string | undefined> = process.env,
): LoadOptions {
  const quick = argv.includes('--quick') || env.LOAD_QUICK === '1';

  return {
    steps: stepsFrom(env.LOAD_STEPS, quick ? QUICK_STEPS : FULL_STEPS),
    stepMs:
      1000 * secondsFrom(env.LOAD_STEP_SECONDS, quick ? QUICK_STEP_SECONDS : FULL_STEP_SECONDS),
    transports: transportsFrom(env.LOAD_TRANSPORTS),
    fixturePath: env.LOAD_FIXTURE ?? DEFAULT_FIXTURE,
    quick,
  };
}

function stepsFrom(text: string | undefined, fallback: number[]): number[] {
  if (text === undefined || text.trim() === '') return fallback;

  const steps = text.split(',').map((part) => Number(part.trim()));
  const valid = steps.every((calls, index) => {
    const previous = steps[index - 1] ?? 0;

    return Number.isInteger(calls) && calls >= 1 && calls <= 5000 && calls > previous;
  });
  if (!valid) {
    throw new RangeError(`LOAD_STEPS must be ascending integers from 1 to 5000 (got "${text}")`);
  }

  return steps;
}

function secondsFrom(text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;

  const seconds = Number(text);
  if (!(seconds >= 1 && seconds <= 600)) {
    throw new RangeError(`LOAD_STEP_SECONDS must be a number from 1 to 600 (got "${text}")`);
  }

  return seconds;
}

function transportsFrom(text: string | undefined): TransportName[] {
  if (text === undefined || text.trim() === '') return ['uws', 'ws'];

  const names = text.split(',').map((part) => part.trim());
  if (
    names.some((name) => name !== 'uws' && name !== 'ws') ||
    new Set(names).size !== names.length
  ) {
    throw new RangeError(`LOAD_TRANSPORTS must list uws and/or ws once each (got "${text}")`);
  }

  return names as TransportName[];
}
