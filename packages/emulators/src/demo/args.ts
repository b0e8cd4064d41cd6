// The demo's command line: `--language hi-IN`, `--fail-provider google`, `--script FILE`.

/** What the demo was asked to do. */
export interface DemoArgs {
  /** Language of the call, when no script is given (picks `loan-<language>`); default en-IN. */
  language: string;
  /** ASR provider to break mid-call, to show failover. */
  failProvider: 'google' | 'sarvam' | undefined;
  /** Script name (fixtures/audio/scripts) or path to a script JSON file. */
  script: string | undefined;
  /** Print the usage and exit. */
  help: boolean;
}

/** A bad command line; the message names the option and the rule. */
export class DemoUsageError extends Error {
  /** Stable code. */
  readonly code = 'DEMO_BAD_ARGUMENT';
}

/** Usage text printed by `--help` and after a usage error. */
export const DEMO_USAGE = `usage: npm run demo -- [--language en-IN|hi-IN] [--fail-provider google|sarvam] [--script FILE]
  --language       language of the simulated call (default en-IN; plays loan-<language>)
  --fail-provider  break this speech recognizer mid-call to show the failover
  --script         a conversation script: a name in fixtures/audio/scripts or a .json path`;

const LANGUAGE = /^[a-z]{2}-[A-Z]{2}$/;

/** Parses `argv` (without node and the script). */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = {
    language: 'en-IN',
    failProvider: undefined,
    script: undefined,
    help: false,
  };

  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }

    const value = inline ?? argv[++i];
    if (value === undefined) throw new DemoUsageError(`${flag}: needs a value`);
    setOption(args, flag, value);
  }

  return args;
}

function setOption(args: DemoArgs, flag: string, value: string): void {
  if (flag === '--language') {
    if (!LANGUAGE.test(value))
      throw new DemoUsageError(`--language: must look like hi-IN, got "${value}"`);
    args.language = value;
  } else if (flag === '--fail-provider') {
    if (value !== 'google' && value !== 'sarvam') {
      throw new DemoUsageError(`--fail-provider: must be google or sarvam, got "${value}"`);
    }
    args.failProvider = value;
  } else if (flag === '--script') {
    args.script = value;
  } else {
    throw new DemoUsageError(`unknown option "${flag}"`);
  }
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');

  return equals > 0 ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
}
