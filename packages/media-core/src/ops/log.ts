// The root logger of the media core; calls log through child loggers that carry their ids.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** pino's Logger, re-exported so callers need not depend on pino for the type. */
export type { Logger } from 'pino';

/** A JSON logger on stdout; secrets are censored wherever they appear under these keys. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'media-core' },
    redact: {
      paths: ['twilioAuthToken', 'controlServiceToken', '*.twilioAuthToken', 'signature'],
      censor: '[redacted]',
    },
  });
}
