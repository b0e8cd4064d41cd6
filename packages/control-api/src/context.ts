// What every route needs, built once per app.
import type { Logger } from 'pino';
import type { TokenService } from './auth/tokens.js';
import type { ControlApiConfig } from './config.js';
import type { ApiMetrics } from './metrics.js';
import type { Notifier } from './notify/service.js';
import type { Store } from './store/types.js';
import type { TwilioRestClient } from './twilio/rest-client.js';

/** Shared services of one app instance. */
export interface AppContext {
  /** Configuration. */
  config: ControlApiConfig;
  /** The repository. */
  store: Store;
  /** Twilio Calls API client. */
  twilio: TwilioRestClient;
  /** Notification sender. */
  notifier: Notifier;
  /** Token issuer and verifier. */
  tokens: TokenService;
  /** Metrics. */
  metrics: ApiMetrics;
  /** Root logger. */
  log: Logger;
  /** The API's public base URL (PUBLIC_BASE_URL, else the address it listens on). */
  publicBaseUrl(): string;
}
