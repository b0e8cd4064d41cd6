// Login (rate-limited), refresh and whoami.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requireRole, READERS } from '../auth/guard.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { ApiError } from '../errors.js';
import { bearerSecurity } from './schemas.js';
import type { AppContext } from '../context.js';

const tokensSchema = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string' },
    expires_in: { type: 'integer', description: 'seconds' },
    refresh_token: { type: 'string' },
  },
} as const;

/** Registers /api/v1/auth routes. */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  // A hash of a random string at the configured cost: checking against it when the user is
  // unknown makes a wrong username cost as long as a wrong password, so timing hides usernames.
  const dummyHash = hashPassword(randomUUID(), ctx.config.bcryptCost);

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      config: { rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 100 },
            password: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: tokensSchema },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await ctx.store.findUserByUsername(username);
      const valid = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
      if (!user || !valid) {
        ctx.metrics.authFailures.inc({ reason: 'bad_credentials' });
        request.log.warn({ username }, 'login refused');
        throw new ApiError(401, 'invalid_credentials', 'username or password is wrong');
      }

      return ctx.tokens.issue(user);
    },
  );

  app.post<{ Body: { refresh_token: string } }>(
    '/api/v1/auth/refresh',
    {
      config: { rateLimit: { max: ctx.config.loginRateLimitPerMinute * 6, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['refresh_token'],
          properties: { refresh_token: { type: 'string', minLength: 1 } },
        },
        response: { 200: tokensSchema },
      },
    },
    async (request) => {
      const claims = ctx.tokens.verify(request.body.refresh_token, 'refresh');
      // Limit: refresh tokens are stateless, so one cannot be revoked before it expires except
      // by deleting its user (checked here); a stolen token works until then.
      const user = claims ? await ctx.store.getUser(claims.sub) : null;
      if (!user) {
        ctx.metrics.authFailures.inc({ reason: 'invalid_refresh_token' });
        throw new ApiError(401, 'unauthorized', 'the refresh token is invalid or expired');
      }

      return ctx.tokens.issue(user);
    },
  );

  app.get(
    '/api/v1/auth/me',
    { onRequest: requireRole(ctx, READERS), schema: { tags: ['auth'], security: bearerSecurity } },
    async (request) => request.principal,
  );
}
