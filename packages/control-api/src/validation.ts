// Schema validation per part of a request: JSON bodies are taken as typed, strings in URLs are
// read as the types their schemas name.
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/** Fastify's own defaults, but extra properties are refused instead of silently dropped. */
const BASE_OPTIONS: Options = {
  useDefaults: true,
  removeAdditional: false,
  addUsedSchema: false,
  // One error is enough to name the field and the rule; all errors would invite a costly body.
  allErrors: false,
};

function ajvWith(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ ...BASE_OPTIONS, coerceTypes });
  addFormats.default(ajv);

  return ajv;
}

/**
 * A validator compiler that refuses `"true"` for a boolean or `"5"` for a number in a JSON body
 * (the client sent the wrong type), while query strings and path parameters, which can only be
 * text, are converted to the types their schemas name.
 */
export function requestValidatorCompiler(): FastifySchemaCompiler<object> {
  const strict = ajvWith(false);
  const coercing = ajvWith('array');

  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}
