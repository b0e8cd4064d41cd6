// Errors of the local stack, each with a stable code and the service at fault.

/** Stable codes of StackError. */
export type StackErrorCode =
  /** A package's bin could not be found in the workspace (not installed or not built). */
  | 'STACK_BIN_NOT_FOUND'
  /** A service exited or failed before it became ready. */
  | 'STACK_START_FAILED'
  /** A service did not become ready within its time-out. */
  | 'STACK_NOT_READY'
  /** A one-shot command (creating the admin user) failed. */
  | 'STACK_COMMAND_FAILED'
  /** The control API answered a setup request with an error. */
  | 'STACK_API_ERROR'
  /** The stack was closed while the request was running. */
  | 'STACK_CLOSED';

/** A failure of the local stack. */
export class StackError extends Error {
  /** Stable code. */
  readonly code: StackErrorCode;
  /** The service at fault (`control-api`, `media-core`, `emulators`…), when there is one. */
  readonly service: string | undefined;

  constructor(code: StackErrorCode, message: string, service?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StackError';
    this.code = code;
    this.service = service;
  }
}
