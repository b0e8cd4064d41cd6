// What a load run does, from the command line and the environment:
//   npm run bench -- load [--quick]
//   LOAD_STEPS=1,50,100  LOAD_STEP_SECONDS=12  LOAD_TRANSPORTS=uws,ws  LOAD_QUICK=1
//   LOAD_TRANSPORT_STEPS=100,400  LOAD_TRANSPORT_STEP_SECONDS=8  LOAD_PIPELINES=full,transport
//   LOAD_FIXTURE=path/to/8k-mulaw.wav
import { fileURLToPath } from 'node:url';

import type { TransportName } from '@voice-agent/media-core';

import { namesFrom, numberFrom, type Env } from '../env.js';

/**
 * What the server runs: `full` is transport → Twilio parser → session → DSP worker pool;
 * `transport` is the same server without DSP (transport, parsing, sessions only), where the
 * transports' own cost is not buried under the DSP workers'.
 */
export type Pipeline = 'full' | 'transport';

/** Options of one load run. */
export interface LoadOptions {
  /** Pipelines to run, in order; each runs every transport on a fresh server. */
  pipelines: Pipeline[];
  /**
   * Concurrent calls per step of the full pipeline, ascending; a run stops at its first broken
   * step.
   */
  steps: number[];
  /** Measured time per step of the full pipeline, ms (ramp, warm-up and teardown come on top). */
  stepMs: number;
  /** Concurrent calls per step of the transport-only pipeline, ascending. */
  transportSteps: number[];
  /** Measured time per step of the transport-only pipeline, ms. */
  transportStepMs: number;
  /** Transports to run, in order, each on a fresh server. */
  transports: TransportName[];
  /** 8 kHz μ-law WAV the callers play. */
  fixturePath: string;
  /** True for the short run (`--quick` or LOAD_QUICK=1). */
  quick: boolean;
}

const FULL_STEPS = [1, 50, 100, 200, 400, 800];
const QUICK_STEPS = [50, 200];
const FULL_STEP_SECONDS = 12;
const QUICK_STEP_SECONDS = 4;
/** Without DSP a call costs far less: the steps go higher, to where the generator is the limit. */
const FULL_TRANSPORT_STEPS = [100, 400, 800, 1600];
const QUICK_TRANSPORT_STEPS = [200, 800];
const FULL_TRANSPORT_STEP_SECONDS = 8;
const QUICK_TRANSPORT_STEP_SECONDS = 3;
/** Bounds of a measured step, seconds. */
const SECONDS = { min: 1, max: 600 };

/** A long call with speech and pauses, so VAD and DSP see real phone audio. */
const DEFAULT_FIXTURE = fileURLToPath(
  new URL('../../../../fixtures/audio/long-call/long-call-en-IN.wav', import.meta.url),
);

/** Reads the options; throws RangeError naming the variable and its rule. */
export function loadOptions(
  argv: readonly string[] = process.argv,
  env: Env = process.env,
): LoadOptions {
  const quick = argv.includes('--quick') || env.LOAD_QUICK === '1';

  return {
    pipelines: namesFrom<Pipeline>(env, 'LOAD_PIPELINES', ['full', 'transport']),
    steps: stepsFrom('LOAD_STEPS', env.LOAD_STEPS, quick ? QUICK_STEPS : FULL_STEPS),
    stepMs:
      1000 *
      numberFrom(env, 'LOAD_STEP_SECONDS', quick ? QUICK_STEP_SECONDS : FULL_STEP_SECONDS, SECONDS),
    transportSteps: stepsFrom(
      'LOAD_TRANSPORT_STEPS',
      env.LOAD_TRANSPORT_STEPS,
      quick ? QUICK_TRANSPORT_STEPS : FULL_TRANSPORT_STEPS,
    ),
    transportStepMs:
      1000 *
      numberFrom(
        env,
        'LOAD_TRANSPORT_STEP_SECONDS',
        quick ? QUICK_TRANSPORT_STEP_SECONDS : FULL_TRANSPORT_STEP_SECONDS,
        SECONDS,
      ),
    transports: namesFrom<TransportName>(env, 'LOAD_TRANSPORTS', ['uws', 'ws']),
    fixturePath: env.LOAD_FIXTURE ?? DEFAULT_FIXTURE,
    quick,
  };
}

function stepsFrom(name: string, text: string | undefined, fallback: number[]): number[] {
  if (text === undefined || text.trim() === '') return fallback;

  const steps = text.split(',').map((part) => Number(part.trim()));
  const valid = steps.every((calls, index) => {
    const previous = steps[index - 1] ?? 0;

    return Number.isInteger(calls) && calls >= 1 && calls <= 5000 && calls > previous;
  });
  if (!valid) {
    throw new RangeError(`${name} must be ascending integers from 1 to 5000 (got "${text}")`);
  }

  return steps;
}
