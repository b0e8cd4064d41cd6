// `voice-media-core resend-dead-letters`: re-sends the outbox's dead letters to the control API
// named by the same environment the media core runs on (CONTROL_API_URL, CONTROL_SERVICE_TOKEN,
// OUTBOX_DIR).
import { loadVoiceAgentConfig } from '../conversation/config.js';
import { ConfigError, type Env } from '../ops/config.js';
import { ControlClient } from './client.js';
import { resendDeadLetters } from './dead-letters.js';

/** Runs the command; returns the exit code (0: nothing left to re-send). */
export async function runResendDeadLetters(
  env: Env,
  print: (line: string) => void,
): Promise<number> {
  const { media: config, outboxDir } = loadVoiceAgentConfig(env);
  if (config.controlServiceToken === undefined) {
    throw new ConfigError('CONTROL_SERVICE_TOKEN', 'is required to re-send call events');
  }

  const client = new ControlClient({
    baseUrl: config.controlApiUrl,
    serviceToken: config.controlServiceToken,
  });
  try {
    const summary = await resendDeadLetters(outboxDir, client);
    print(
      `resent ${summary.resent}, refused again ${summary.refused}, not tried ${summary.notTried}, ` +
        `without an event ${summary.unsendable} (${outboxDir})`,
    );
    if (summary.stoppedBy !== undefined) print(`stopped: ${summary.stoppedBy}`);

    return summary.refused + summary.notTried === 0 ? 0 : 1;
  } finally {
    await client.close();
  }
}
