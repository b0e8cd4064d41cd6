// The store factory: the one the API and `voice-admin users create` both use, so both write
// to the store the environment configures.
import type { StoreConfig } from '../config.js';
import { MongoStore } from './mongo.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** Opens the configured store (SQLite file or MongoDB), schema and indexes ready. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.kind === 'mongodb') return MongoStore.connect(config.uri);

  return new SqliteStore(config.path);
}

/** The store selection an environment implies (`MONGODB_URI`, else `SQLITE_PATH`, else
 *  `./data/voice-agent.db` relative to the working folder). */
export function storeConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): StoreConfig {
  if (env['MONGODB_URI']) return { kind: 'mongodb', uri: env['MONGODB_URI'] };

  return { kind: 'sqlite', path: env['SQLITE_PATH'] ?? './data/voice-agent.db' };
}
