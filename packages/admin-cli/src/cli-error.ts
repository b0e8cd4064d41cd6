// The failures `voice-admin` reports as one line on stderr, without a stack trace.

/** Stable codes of the failures the CLI reports. */
export type CliErrorCode =
  | 'INPUT_NOT_FOUND'
  | 'INPUT_UNREADABLE'
  | 'NOT_WAV'
  | 'UNSUPPORTED_ENCODING'
  | 'UNSUPPORTED_CHANNELS'
  | 'RATE_OUT_OF_RANGE'
  | 'OUTPUT_FAILED';

/** A failure caused by the user's input or environment, told as one line that names the thing. */
export class CliError extends Error {
  /** Stable machine-readable code. */
  readonly code: CliErrorCode;
  /** The process exit code it ends with. */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options?.exitCode ?? 1;
  }
}
