// Leads: create, list, get, update, delete, CSV import. Reads of a lead are audited.
import type { FastifyInstance } from 'fastify';
import { requireRole, OPERATORS, READERS } from '../auth/guard.js';
import { audit } from '../audit.js';
import { ApiError, invalidField, notFound } from '../errors.js';
import { CsvSyntaxError } from '../leads/csv.js';
import { isTimeZone, leadTextProblem } from '../leads/fields.js';
import { ImportFileError, importLeadsCsv } from '../leads/import.js';
import { normalizePhone } from '../leads/phone.js';
import { StoreConflict, type LeadPatch, type LeadQuery, type NewLead } from '../store/types.js';
import {
  bearerSecurity,
  idParams,
  leadInputProperties,
  leadSchema,
  pageQueryProperties,
  pageSchema,
} from './schemas.js';
import type { AppContext } from '../context.js';

const phoneTaken = () =>
  new ApiError(409, 'phone_taken', 'phone belongs to another lead', { field: 'body.phone' });

type LeadTextInput = { name?: string; loan_type?: string | null; notes?: string | null };

/** Normalises `phone` and checks `time_zone` and text fields of a lead input, naming the field. */
function checkLeadInput<T extends LeadTextInput & { phone?: string; time_zone?: string | null }>(
  input: T,
  countryCode: string,
): T {
  const checked = { ...input };
  for (const field of ['name', 'loan_type', 'notes'] as const) {
    const value = input[field];
    const problem = typeof value === 'string' ? leadTextProblem(field, value) : undefined;
    if (problem) throw invalidField(`body.${field}`, problem);
  }
  if (input.phone !== undefined) {
    const phone = normalizePhone(input.phone, countryCode);
    if (!phone.ok) throw invalidField('body.phone', `must be a phone number (${phone.problem})`);
    checked.phone = phone.e164;
  }
  if (typeof input.time_zone === 'string' && !isTimeZone(input.time_zone)) {
    throw invalidField('body.time_zone', 'must be an IANA time zone');
  }

  return checked;
}

/** Registers /api/v1/leads routes. */
export function leadRoutes(app: FastifyInstance, ctx: AppContext): void {
  const readers = requireRole(ctx, READERS);
  const operators = requireRole(ctx, OPERATORS);
  const base = { tags: ['leads'], security: bearerSecurity };
  const countryCode = ctx.config.defaultCountryCode;

  app.post<{ Body: NewLead }>(
    '/api/v1/leads',
    {
      onRequest: operators,
      schema: {
        ...base,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'phone'],
          properties: leadInputProperties,
        },
        response: { 201: leadSchema },
      },
    },
    async (request, reply) => {
      const input = checkLeadInput(request.body, countryCode);
      try {
        const lead = await ctx.store.createLead({ ...input, source: 'api' });
        await audit(ctx, request, 'create', 'lead', lead.id);

        return reply.status(201).send(lead);
      } catch (error) {
        if (error instanceof StoreConflict) throw phoneTaken();
        throw error;
      }
    },
  );

  app.get<{ Querystring: Omit<LeadQuery, 'limit'> & { limit: number } }>(
    '/api/v1/leads',
    {
      onRequest: readers,
      schema: {
        ...base,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: leadInputProperties.status,
            phone: { type: 'string', maxLength: 32 },
            ...pageQueryProperties,
          },
        },
        response: { 200: pageSchema(leadSchema) },
      },
    },
    async (request) => {
      const query = { ...request.query };
      if (query.phone !== undefined) {
        const phone = normalizePhone(query.phone, countryCode);
        if (!phone.ok)
          throw invalidField('query.phone', `must be a phone number (${phone.problem})`);
        query.phone = phone.e164;
      }

      const page = await ctx.store.listLeads(query);
      await audit(ctx, request, 'list', 'lead', null, { count: page.items.length });
      return page;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/leads/:id',
    { onRequest: readers, schema: { ...base, params: idParams, response: { 200: leadSchema } } },
    async (request) => {
      const lead = await ctx.store.getLead(request.params.id);
      if (!lead) throw notFound('lead', request.params.id);

      await audit(ctx, request, 'read', 'lead', lead.id);
      return lead;
    },
  );

  app.patch<{ Params: { id: string }; Body: LeadPatch }>(
    '/api/v1/leads/:id',
    {
      onRequest: operators,
      schema: {
        ...base,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: leadInputProperties,
        },
        response: { 200: leadSchema },
      },
    },
    async (request) => {
      const patch = checkLeadInput(request.body, countryCode);
      try {
        const lead = await ctx.store.updateLead(request.params.id, patch);
        if (!lead) throw notFound('lead', request.params.id);

        await audit(ctx, request, 'update', 'lead', lead.id, { fields: Object.keys(patch) });
        return lead;
      } catch (error) {
        if (error instanceof StoreConflict) throw phoneTaken();
        throw error;
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/leads/:id',
    { onRequest: operators, schema: { ...base, params: idParams } },
    async (request, reply) => {
      try {
        if (!(await ctx.store.deleteLead(request.params.id))) {
          throw notFound('lead', request.params.id);
        }
      } catch (error) {
        if (error instanceof StoreConflict) {
          throw new ApiError(
            409,
            'lead_has_calls',
            'a lead with calls cannot be deleted; set do_not_call instead',
          );
        }
        throw error;
      }

      await audit(ctx, request, 'delete', 'lead', request.params.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: string }>(
    '/api/v1/leads/import',
    {
      onRequest: operators,
      bodyLimit: ctx.config.csvLimitBytes,
      schema: {
        ...base,
        description:
          'CSV with a header line: name, phone, [language, loan_type, consent, do_not_call, time_zone, notes]',
        consumes: ['text/csv'],
      },
    },
    async (request) => {
      if (typeof request.body !== 'string') {
        throw new ApiError(415, 'unsupported_media_type', 'send the file as text/csv');
      }

      try {
        const summary = await importLeadsCsv(request.body, ctx.store, countryCode);
        await audit(ctx, request, 'import', 'lead', null, {
          created: summary.created,
          total_rows: summary.total_rows,
        });
        return summary;
      } catch (error) {
        if (error instanceof ImportFileError) {
          throw new ApiError(400, error.code, error.message, { field: error.field });
        }
        if (error instanceof CsvSyntaxError)
          throw new ApiError(400, error.code, error.message, { field: 'file' });
        throw error;
      }
    },
  );
}
