// Public entry of @voice-agent/control-api.
export { buildApp, type BuildAppOptions, type ControlApi } from './app.js';
export {
  loadConfig,
  ConfigError,
  DEV_SERVICE_TOKEN,
  type ControlApiConfig,
  type StoreConfig,
} from './config.js';
export { openStore, storeConfigFromEnv } from './store/open.js';
export { SqliteStore } from './store/sqlite.js';
export { MongoStore, MONGO_POOL_OPTIONS, INDEXES } from './store/mongo.js';
export * from './store/types.js';
export { hashPassword, verifyPassword, passwordProblem } from './auth/passwords.js';
export { twilioSignature, validTwilioSignature } from './twilio/signature.js';
export { normalizePhone } from './leads/phone.js';
export { ControlApiClient, ApiClientError, type ApiClientOptions } from './client/api-client.js';
