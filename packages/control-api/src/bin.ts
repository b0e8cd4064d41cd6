// `voice-control-api`: loads the configuration, opens the store, listens, drains on signals.
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openStore } from './store/open.js';

const USAGE = `usage: voice-control-api
Takes no arguments; configured by environment (CONTROL_API_PORT, MONGODB_URI or SQLITE_PATH,
JWT_SECRET_KEY, TWILIO_*, …): see deploy/README.md.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--help' || args[0] === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length > 0) {
    console.error(`voice-control-api: unknown arguments: ${args.join(' ')}\n${USAGE}`);
    process.exit(2);
  }

  const config = loadConfig();
  const log = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  if (!config.production && config.defaulted.length > 0) {
    log.warn({ defaulted: config.defaulted }, 'embedded defaults in use');
  }

  const store = await openStore(config.store);
  const { app } = await buildApp({ config, store, logger: log });
  const address = await app.listen({ port: config.port, host: config.host });
  log.info({ address, store: store.kind }, 'control api listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;

    stopping = true;
    log.info({ signal }, 'control api stopping');
    // app.close() stops accepting, waits for in-flight requests, then closes store and clients.
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`voice-control-api: ${error.message}`);
    process.exit(2);
  }

  console.error('voice-control-api: failed to start', error);
  process.exit(1);
});
