// Calls: place, list, get (with turns, outcome, facts, latency summary, hand-offs), hand off.
import type { FastifyInstance } from 'fastify';
import { actorOf, requireRole, OPERATORS, READERS } from '../auth/guard.js';
import { audit } from '../audit.js';
import { startHandoff } from '../calls/handoff.js';
import { placeOutboundCall } from '../calls/place.js';
import { notFound } from '../errors.js';
import { CALL_STATUSES, type CallQuery } from '../store/types.js';
import {
  bearerSecurity,
  callSchema,
  handoffSchema,
  idParams,
  pageQueryProperties,
  pageSchema,
} from './schemas.js';
import type { AppContext } from '../context.js';

/** Body of a hand-off request. */
export const handoffBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

const callDetailSchema = {
  type: 'object',
  properties: {
    ...callSchema.properties,
    turns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          role: { type: 'string' },
          text: { type: 'string' },
          confidence: { type: ['number', 'null'] },
          at: { type: 'string' },
          // The turn as the media core sent it: provider, latency, whether it was interrupted.
          payload: { type: 'object', additionalProperties: true },
        },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string' },
          at: { type: 'string' },
          payload: { type: 'object', additionalProperties: true },
        },
      },
    },
    handoffs: { type: 'array', items: handoffSchema },
  },
} as const;

/** Registers /api/v1/calls routes (webhooks live in twilio-webhooks.ts). */
export function callRoutes(app: FastifyInstance, ctx: AppContext): void {
  const readers = requireRole(ctx, READERS);
  const operators = requireRole(ctx, OPERATORS);
  const base = { tags: ['calls'], security: bearerSecurity };

  app.post<{ Body: { lead_id: string } }>(
    '/api/v1/calls',
    {
      onRequest: operators,
      schema: {
        ...base,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['lead_id'],
          properties: { lead_id: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        response: { 201: callSchema },
      },
    },
    async (request, reply) => {
      const call = await placeOutboundCall(ctx, request.body.lead_id, actorOf(request));
      await audit(ctx, request, 'place_call', 'call', call.id, { lead_id: call.lead_id });

      return reply.status(201).send(call);
    },
  );

  app.get<{ Querystring: CallQuery }>(
    '/api/v1/calls',
    {
      onRequest: readers,
      schema: {
        ...base,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            lead_id: { type: 'string', maxLength: 100 },
            status: { type: 'string', enum: CALL_STATUSES },
            ...pageQueryProperties,
          },
        },
        response: { 200: pageSchema(callSchema) },
      },
    },
    async (request) => {
      const page = await ctx.store.listCalls(request.query);
      await audit(ctx, request, 'list', 'call', null, { count: page.items.length });

      return page;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/calls/:id',
    {
      onRequest: readers,
      schema: { ...base, params: idParams, response: { 200: callDetailSchema } },
    },
    async (request) => {
      const call = await ctx.store.getCall(request.params.id);
      if (!call) throw notFound('call', request.params.id);

      const [turns, events, handoffs] = await Promise.all([
        ctx.store.listTurns(call.id),
        ctx.store.listCallEvents(call.id),
        ctx.store.listHandoffs(call.id),
      ]);
      await audit(ctx, request, 'read', 'call', call.id);

      return { ...call, turns, events, handoffs };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/calls/:id/handoff',
    {
      onRequest: operators,
      schema: { ...base, params: idParams, body: handoffBody, response: { 202: handoffSchema } },
    },
    async (request, reply) => {
      const handoff = await startHandoff(
        ctx,
        request.params.id,
        request.body.reason,
        actorOf(request),
      );
      await audit(ctx, request, 'handoff', 'call', request.params.id, { handoff_id: handoff.id });

      return reply.status(202).send(handoff);
    },
  );
}
