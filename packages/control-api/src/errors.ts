// The API's error type and the mapping of every failure to `{ error: { code, message, field? } }`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** A failure the API reports to its client, with a stable machine-readable `code`. */
export class ApiError extends Error {
  /** HTTP status the client receives. */
  readonly statusCode: number;
  /** Stable error code, e.g. `lead_not_found`. */
  readonly code: string;
  /** The request field at fault, for validation errors. */
  readonly field: string | undefined;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { field?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  /** What went wrong. */
  error: { code: string; message: string; field?: string; retryable?: boolean };
}

/** 404 for a record that does not exist. */
export function notFound(resource: string, id: string): ApiError {
  return new ApiError(404, `${resource}_not_found`, `${resource} ${id} does not exist`);
}

/** 400 naming the field and the rule it breaks. */
export function invalidField(field: string, rule: string): ApiError {
  return new ApiError(400, 'validation_failed', `${field} ${rule}`, { field });
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns an ajv issue into the dotted field name it concerns (`body.phone`, `query.limit`). */
function fieldOf(issue: AjvIssue, context: string | undefined): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  const missing = issue.params?.['missingProperty'];
  const extra = issue.params?.['additionalProperty'];
  const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : '';
  const where = context === 'querystring' ? 'query' : (context ?? 'body');
  const parts = [where, path, leaf].filter((part) => part.length > 0);

  return parts.join('.');
}

/** Maps a fastify schema-validation error to a 400 that names the field and the rule. */
function fromValidation(error: FastifyError): ApiError {
  const issue = (error.validation?.[0] ?? {}) as AjvIssue;
  const field = fieldOf(issue, error.validationContext);
  const rule =
    issue.keyword === 'additionalProperties'
      ? 'is not an allowed property'
      : issue.keyword === 'required'
        ? 'is required'
        : (issue.message ?? 'is invalid');

  return invalidField(field, rule);
}

/** Fastify's body-parser failures, by code, as the rule the body breaks. */
const BODY_PARSE_PROBLEMS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON (or carries a __proto__/constructor key)',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'must not be empty when content-type is application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'length does not match its content-length header',
};

/** Maps any thrown value to the ApiError the client sees. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;

  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return fromValidation(fastifyError as FastifyError);

  const status = fastifyError.statusCode ?? 500;
  const bodyProblem = fastifyError.code ? BODY_PARSE_PROBLEMS[fastifyError.code] : undefined;
  if (bodyProblem)
    return new ApiError(400, 'invalid_body', `body ${bodyProblem}`, { field: 'body' });
  if (status === 429) {
    return new ApiError(429, 'rate_limited', fastifyError.message ?? 'rate limit exceeded', {
      retryable: true,
    });
  }
  if (status === 413) return new ApiError(413, 'body_too_large', 'request body is too large');
  if (status === 415) {
    return new ApiError(415, 'unsupported_media_type', fastifyError.message ?? 'bad content type');
  }
  if (status >= 400 && status < 500) {
    const code = (fastifyError.code ?? 'bad_request').toLowerCase();
    return new ApiError(status, code, fastifyError.message ?? 'bad request');
  }

  return new ApiError(500, 'internal_error', 'internal error', { retryable: true, cause: error });
}

/** The error body for an ApiError. */
export function errorBody(error: ApiError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.field !== undefined) body.error.field = error.field;
  if (error.retryable) body.error.retryable = true;

  return body;
}

/** Router failures before any route runs (bad percent-encoding, an over-long path parameter). */
export function handleFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // Fastify says 414 for a path parameter over maxParamLength: the URL is fine, the id is not.
  const apiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? invalidField('params', 'must not exceed 100 characters')
      : new ApiError(400, 'bad_url', 'the URL is not validly percent-encoded', { field: 'url' });
  request.log.debug({ code: error.code }, 'request refused by the router');

  void reply.status(apiError.statusCode).send(errorBody(apiError));
}

/** Fastify error handler: every failure leaves in the same JSON shape. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) {
    request.log.error({ err: error, code: apiError.code }, 'request failed');
  }

  void reply.status(apiError.statusCode).send(errorBody(apiError));
}
