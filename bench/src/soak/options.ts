// What a soak run does, from the command line and the environment:
//   npm run bench -- soak [--quick]
//   SOAK_SECONDS=180  SOAK_CALLS=8  SOAK_SAMPLE_SECONDS=5  SOAK_WARMUP_SECONDS=60
//   SOAK_SCRIPTS=loan-en-IN,do-not-call-en-IN  SOAK_QUICK=1
import { numberFrom, type Env } from '../env.js';

/** Options of one soak run. */
export interface SoakOptions {
  /** How long new calls keep being started, ms; calls still open then are hung up. */
  durationMs: number;
  /** Calls kept open at once; a slot starts its next call as soon as one ends. */
  concurrentCalls: number;
  /** Time between two samples of the server, ms. */
  sampleMs: number;
  /**
   * Shortest warm-up, ms from the first call: it lasts until every slot has also ended its
   * first call (at most two thirds of the run); samples before its end are left out of the slopes.
   */
  warmupMs: number;
  /** Conversation scripts (fixtures/audio/scripts/NAME.json) the calls play, in turn. */
  scripts: string[];
  /** True for the short run (`--quick` or SOAK_QUICK=1). */
  quick: boolean;
}

/** Every script of fixtures/audio/scripts: long and short calls, three languages, a hand-off. */
export const DEFAULT_SCRIPTS = [
  'loan-en-IN',
  'do-not-call-en-IN',
  'loan-hi-IN',
  'handoff-dtmf',
  'loan-ta-IN',
];

const FULL = { seconds: 180, sampleSeconds: 5 };
const QUICK = { seconds: 45, sampleSeconds: 3 };
const DEFAULT_CALLS = 8;

/** Reads the options; throws RangeError naming the variable and its rule. */
export function soakOptions(
  argv: readonly string[] = process.argv,
  env: Env = process.env,
): SoakOptions {
  const quick = argv.includes('--quick') || env.SOAK_QUICK === '1';
  const preset = quick ? QUICK : FULL;
  const durationMs = 1000 * numberFrom(env, 'SOAK_SECONDS', preset.seconds, { min: 10, max: 7200 });
  const warmupMs =
    1000 * numberFrom(env, 'SOAK_WARMUP_SECONDS', durationMs / 6000, { min: 0, max: 7200 });
  if (warmupMs >= durationMs) {
    throw new RangeError(
      `SOAK_WARMUP_SECONDS must be shorter than the run (${durationMs / 1000} s)`,
    );
  }

  return {
    durationMs,
    concurrentCalls: numberFrom(env, 'SOAK_CALLS', DEFAULT_CALLS, {
      min: 1,
      max: 200,
      integer: true,
    }),
    sampleMs:
      1000 * numberFrom(env, 'SOAK_SAMPLE_SECONDS', preset.sampleSeconds, { min: 1, max: 60 }),
    warmupMs,
    scripts: scriptsFrom(env.SOAK_SCRIPTS),
    quick,
  };
}

function scriptsFrom(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return DEFAULT_SCRIPTS;

  const names = text.split(',').map((part) => part.trim());
  if (names.some((name) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))) {
    throw new RangeError(
      `SOAK_SCRIPTS must be comma-separated script names of fixtures/audio/scripts (got "${text}")`,
    );
  }

  return names;
}
