import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '@/common/errors/domain-error';
import { parse as parseYaml } from 'yaml';
import { findUnsafeValue, unsafeValueError } from './input-guard';

/** Route config (`@RouteConfig(FORM_BODY)`) for the one kind of route that takes an HTML form: approval pages. */
export const FORM_BODY = { formBody: true } as const;

/** Route config (`@RouteConfig(YAML_BODY)`) for routes that also take YAML bodies: policy bundles. */
export const YAML_BODY = { yamlBody: true } as const;

const takesYaml = (request: FastifyRequest): boolean =>
  (request.routeOptions?.config as { yamlBody?: boolean } | undefined)?.yamlBody === true;

const takesForm = (request: FastifyRequest): boolean =>
  (request.routeOptions?.config as { formBody?: boolean } | undefined)?.formBody === true;

const unsupported = (expected: string) =>
  new DomainError('unsupported_media_type', `This route takes ${expected} bodies`, { expected });

export type Done = (error: Error | null, body?: unknown) => void;

function checked(value: unknown, done: Done): void {
  const found = findUnsafeValue(value);
  if (found) done(unsafeValueError(found, 'body'));
  else done(null, value);
}

/**
 * A JSON body as every route reads it: Fastify's parser (which refuses `__proto__` and `constructor.prototype` keys),
 * then findUnsafeValue; an empty body is undefined. Calls `done` synchronously.
 */
export function jsonBodyParser(fastify: FastifyInstance): (text: string, done: Done) => void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (text, done) => {
    if (text.length === 0) return done(null, undefined);
    void parseJson(null as unknown as FastifyRequest, text, (error, value) => (error ? done(error) : checked(value, done)));
  };
}

/**
 * The body parsers: JSON for API routes, form-urlencoded for routes marked FORM_BODY, YAML for routes marked
 * YAML_BODY. Any other content type (text/plain, multipart, none with a body), or one the route does not take, is
 * `415 unsupported_media_type`. Parsed bodies pass findUnsafeValue (depth, NUL, lone surrogates, huge numbers) before
 * anything else sees them. An empty JSON body counts as no body. Call before the application initialises.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = jsonBodyParser(fastify);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done: Done) => {
    if (takesForm(request)) return done(unsupported('application/x-www-form-urlencoded'));
    parseJson(body as string, done);
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done: Done) => {
    if (!takesForm(request)) return done(unsupported('application/json'));
    checked(Object.fromEntries(new URLSearchParams(body as string)), done);
  });
  fastify.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (request, body, done: Done) => {
    if (!takesYaml(request)) return done(unsupported('application/json'));
    if ((body as string).length === 0) return done(null, undefined);
    let value: unknown;
    try {
      // Aliases are bounded (no "billion laughs"), duplicate keys refused, YAML 1.2 core schema only.
      value = parseYaml(body as string, { maxAliasCount: 100, uniqueKeys: true, schema: 'core', prettyErrors: true });
    } catch (error) {
      return done(new DomainError('invalid_input', `The body is not valid YAML: ${(error as Error).message}`, { fields: { body: ['must be valid YAML'] } }));
    }
    checked(value, done);
  });
}
