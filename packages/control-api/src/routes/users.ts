// Operator accounts (admin only).
import type { FastifyInstance } from 'fastify';
import { requireRole, ADMINS } from '../auth/guard.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { audit } from '../audit.js';
import { ApiError, invalidField, notFound } from '../errors.js';
import { StoreConflict, type Role, type UserRecord } from '../store/types.js';
import { bearerSecurity, idParams } from './schemas.js';
import type { AppContext } from '../context.js';

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string' },
    created_at: { type: 'string' },
  },
} as const;

/** A user without its password hash. */
export function publicUser(user: UserRecord) {
  return { id: user.id, username: user.username, role: user.role, created_at: user.created_at };
}

/** Registers /api/v1/users routes. */
export function userRoutes(app: FastifyInstance, ctx: AppContext): void {
  const guard = requireRole(ctx, ADMINS);
  const base = { tags: ['users'], security: bearerSecurity };

  app.get(
    '/api/v1/users',
    {
      onRequest: guard,
      schema: {
        ...base,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: userSchema } } },
        },
      },
    },
    async () => ({ items: (await ctx.store.listUsers()).map(publicUser) }),
  );

  app.post<{ Body: { username: string; password: string; role: Role } }>(
    '/api/v1/users',
    {
      onRequest: guard,
      schema: {
        ...base,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password', 'role'],
          properties: {
            username: { type: 'string', pattern: '^[A-Za-z0-9_.@-]{3,64}$' },
            password: { type: 'string' },
            role: { type: 'string', enum: ['admin', 'ops', 'viewer'] },
          },
        },
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const { username, password, role } = request.body;
      const problem = passwordProblem(password);
      if (problem) throw invalidField('body.password', problem);

      try {
        const hash = await hashPassword(password, ctx.config.bcryptCost);
        const user = await ctx.store.createUser({ username, password_hash: hash, role });
        await audit(ctx, request, 'create', 'user', user.id, { username, role });

        return reply.status(201).send(publicUser(user));
      } catch (error) {
        if (error instanceof StoreConflict) {
          throw new ApiError(409, 'username_taken', 'username is taken', {
            field: 'body.username',
          });
        }
        throw error;
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/users/:id',
    { onRequest: guard, schema: { ...base, params: idParams } },
    async (request, reply) => {
      if (request.params.id === request.principal?.id) {
        throw new ApiError(409, 'cannot_delete_self', 'an admin cannot delete their own account');
      }
      if (!(await ctx.store.deleteUser(request.params.id)))
        throw notFound('user', request.params.id);

      await audit(ctx, request, 'delete', 'user', request.params.id);
      return reply.status(204).send();
    },
  );
}
