// `voice-media-core`: the media server as a process, configured by environment.
import { ConfigError, loadConfig } from './ops/config.js';
import { createLogger } from './ops/log.js';
import { startMediaServer } from './main.js';

async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (config.twilioAuthToken === undefined) {
    log.warn('TWILIO_AUTH_TOKEN is not set: stream upgrades are not signature-checked');
  }

  const { server } = await startMediaServer({ config, logger: log });

  // SIGTERM (Kubernetes, docker stop): drain, then exit. A second signal exits at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    server
      .drain()
      .then(() => server.close())
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
  if (error instanceof ConfigError) {
    console.error(`voice-media-core: ${error.message}`);
  } else {
    console.error('voice-media-core failed to start:', error);
  }
  process.exit(1);
});
