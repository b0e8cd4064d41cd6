// Builds the Fastify app from configuration and a store (no listen: bin.ts does that).
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { TokenService } from './auth/tokens.js';
import type { ControlApiConfig } from './config.js';
import { handleClientError } from './client-errors.js';
import type { AppContext } from './context.js';
import { errorBody, handleError, handleFrameworkError, ApiError } from './errors.js';
import { createMetrics } from './metrics.js';
import { Notifier } from './notify/service.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { callRoutes } from './routes/calls.js';
import { healthRoutes } from './routes/health.js';
import { internalRoutes } from './routes/internal.js';
import { leadRoutes } from './routes/leads.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { notificationRoutes } from './routes/notifications.js';
import { twilioWebhookRoutes } from './routes/twilio-webhooks.js';
import { userRoutes } from './routes/users.js';
import { requestValidatorCompiler } from './validation.js';
import type { Store } from './store/types.js';
import { TwilioRestClient } from './twilio/rest-client.js';

/** What buildApp needs. */
export interface BuildAppOptions {
  /** Configuration (see loadConfig). */
  config: ControlApiConfig;
  /** The store; closed with the app. */
  store: Store;
  /** Root logger; default: pino at `config.logLevel`. */
  logger?: Logger;
}

/** The built app and its services. */
export interface ControlApi {
  /** The Fastify instance (inject, listen, close). */
  app: FastifyInstance;
  /** Shared services. */
  ctx: AppContext;
}

/** The base URL a listening server answers on, for when PUBLIC_BASE_URL is unset. */
function listeningBaseUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return 'http://127.0.0.1';

  const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${address.port}`;
}

function createContext(app: FastifyInstance, options: BuildAppOptions, log: Logger): AppContext {
  const { config, store } = options;

  return {
    config,
    store,
    log,
    metrics: createMetrics(store),
    tokens: new TokenService(config.jwtSecret, config.accessTokenTtlS, config.refreshTokenTtlS),
    twilio: new TwilioRestClient({
      baseUrl: config.twilio.apiBaseUrl,
      accountSid: config.twilio.accountSid,
      authToken: config.twilio.authToken ?? '',
      timeoutMs: config.twilio.timeoutMs,
    }),
    notifier: new Notifier(store, config.notify, log.child({ component: 'notify' })),
    publicBaseUrl: () => config.publicBaseUrl ?? listeningBaseUrl(app),
  };
}

async function registerPlugins(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { config } = ctx;
  await app.register(formbody);
  await app.register(cors, { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  // Limit: counters live in this process, so N replicas allow N times the configured rate;
  // a shared store (Redis) would be needed for one limit across replicas.
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'voice-agent control API', version: '0.1.0' },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, body);
    },
  );
}

function registerHooks(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    ctx.metrics.httpRequests.inc(labels);
    ctx.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.addHook('onClose', async () => {
    await ctx.notifier.close();
    await ctx.twilio.close();
    await ctx.store.close();
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      404,
      'route_not_found',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
    void reply.status(404).send(errorBody(error));
  });
}

/** Builds the control API. Close it with `app.close()` (closes the store and clients too). */
export async function buildApp(options: BuildAppOptions): Promise<ControlApi> {
  const { config } = options;
  const logger =
    options.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // The router refuses path parameters over 100 characters (its default, idParams' limit);
    // this gives those and badly encoded URLs the usual error shape.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    // Requests are counted in metrics, not logged one by one.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(requestValidatorCompiler());
  const ctx = createContext(app, options, logger);

  await registerPlugins(app, ctx);
  registerHooks(app, ctx);

  healthRoutes(app, ctx);
  authRoutes(app, ctx);
  userRoutes(app, ctx);
  leadRoutes(app, ctx);
  callRoutes(app, ctx);
  twilioWebhookRoutes(app, ctx);
  internalRoutes(app, ctx);
  notificationRoutes(app, ctx);
  maintenanceRoutes(app, ctx);
  auditRoutes(app, ctx);
  await app.ready();

  return { app, ctx };
}
