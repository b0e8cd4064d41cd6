// `voice-media-core`: the voice agent (media server + conversations) as a process, configured
// by environment.
import { runResendDeadLetters } from './control/resend-command.js';
import { loadVoiceAgentConfig } from './conversation/config.js';
import { LlmConfigError } from './dialogue/llm-config.js';
import { startVoiceAgent } from './main.js';
import { ConfigError } from './ops/config.js';
import { createLogger } from './ops/log.js';

const USAGE = `usage: voice-media-core                        run the media core
       voice-media-core resend-dead-letters    re-send the outbox's dead letters (OUTBOX_DIR)`;

async function run(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'resend-dead-letters' && rest.length === 0) {
    process.exit(await runResendDeadLetters(process.env, (line) => console.log(line)));
  }
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (command !== undefined) {
    console.error(
      `voice-media-core: unknown arguments: ${process.argv.slice(2).join(' ')}\n${USAGE}`,
    );
    process.exit(2);
  }

  const config = loadVoiceAgentConfig();
  const log = createLogger(config.media.logLevel);
  if (config.media.twilioAuthToken === undefined) {
    log.warn('TWILIO_AUTH_TOKEN is not set: stream upgrades are not signature-checked');
  }

  const agent = await startVoiceAgent({ config, logger: log });

  // SIGTERM (Kubernetes, docker stop): drain, then exit. A second signal exits at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    agent
      .drain()
      .then(() => agent.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof LlmConfigError) {
    console.error(`voice-media-core: ${error.message}`);
  } else {
    console.error('voice-media-core failed to start:', error);
  }
  process.exit(1);
});
