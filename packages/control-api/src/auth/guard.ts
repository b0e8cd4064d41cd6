// Route guards: user tokens with roles, and the media core's service token. Routes run them
// as `onRequest` hooks, before the body is read or validated, so an unauthenticated caller can
// neither make the server parse a large body nor learn the body schema from a 400.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors.js';
import type { AppContext } from '../context.js';
import type { Role } from '../store/types.js';

/** Who made a request. */
export interface Principal {
  /** User id, or `media-core` for the service token. */
  id: string;
  /** Username, or `media-core`. */
  username: string;
  /** Role; the service token has none. */
  role: Role | 'service';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guards. */
    principal?: Principal;
  }
}

/** Roles allowed to read, to operate, to administer. */
export const READERS: readonly Role[] = ['admin', 'ops', 'viewer'];
/** Roles allowed to change leads and calls. */
export const OPERATORS: readonly Role[] = ['admin', 'ops'];
/** Roles allowed to manage users and maintenance. */
export const ADMINS: readonly Role[] = ['admin'];

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;

  return match?.[1];
}

/** Requires an access token whose role is in `roles`: 401 without, 403 for another role. */
export function requireRole(ctx: AppContext, roles: readonly Role[]): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearer(request);
    if (!token) {
      ctx.metrics.authFailures.inc({ reason: 'missing_token' });
      throw new ApiError(401, 'unauthorized', 'a Bearer access token is required');
    }

    // Limit: the user is not re-read per request, so a deleted or demoted user keeps their
    // access token's rights until it expires (ACCESS_TOKEN_TTL_S, 15 minutes by default).
    const claims = ctx.tokens.verify(token, 'access');
    if (!claims) {
      ctx.metrics.authFailures.inc({ reason: 'invalid_token' });
      throw new ApiError(401, 'unauthorized', 'the access token is invalid or expired');
    }
    if (!roles.includes(claims.role)) {
      ctx.metrics.authFailures.inc({ reason: 'forbidden_role' });
      throw new ApiError(403, 'forbidden', `role ${claims.role} may not do this`);
    }

    request.principal = { id: claims.sub, username: claims.username, role: claims.role };
  };
}

/** Constant-time string comparison, so a guessed token prefix leaks nothing by timing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);

  return a.length === b.length && timingSafeEqual(a, b);
}

/** Requires the media core's service token. */
export function requireService(ctx: AppContext): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearer(request);
    if (!token || !sameSecret(token, ctx.config.serviceToken)) {
      ctx.metrics.authFailures.inc({ reason: token ? 'invalid_service_token' : 'missing_token' });
      throw new ApiError(401, 'unauthorized', 'a valid service token is required');
    }

    request.principal = { id: 'media-core', username: 'media-core', role: 'service' };
  };
}

/** The acting username for audit lines. */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.username ?? 'anonymous';
}
