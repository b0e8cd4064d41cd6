// The root `voice-admin` program and the one place that turns failures into a line on stderr.
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';

/** Prefix of every line the CLI writes to stderr. */
export const CLI_NAME = 'voice-admin';

/**
 * The root program. Its settings (exit override, error output) are set before any group is
 * registered, because commander copies them into each subcommand when it is created.
 */
export function createProgram(): Command {
  return new Command(CLI_NAME)
    .description('Operate voice-agent from the command line')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(`${CLI_NAME}: ${oneLine(text.replace(/^error: /, ''))}\n`),
    });
}

/** Commander adds a suggestion on a line of its own; the CLI promises one line per failure. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

/** Prints `message` as one `voice-admin: …` line on stderr. */
export function warn(message: string): void {
  process.stderr.write(`${CLI_NAME}: ${message}\n`);
}

/**
 * Runs the program on `argv`. Known failures print one line; anything else prints one line
 * too (set VOICE_ADMIN_DEBUG=1 for the stack). Sets the exit code rather than calling
 * `process.exit`, so stdout is flushed before the process ends.
 */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  // Commander has already printed its own message (usage errors, --help, --version).
  if (error instanceof CommanderError) return error.exitCode;

  if (error instanceof CliError) {
    warn(error.message);
    return error.exitCode;
  }

  const message = error instanceof Error ? error.message : String(error);
  warn(`internal error: ${message}`);
  if (process.env['VOICE_ADMIN_DEBUG'] === '1' && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }

  return 70;
}
