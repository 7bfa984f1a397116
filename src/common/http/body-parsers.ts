import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '@/common/errors/domain-error';
import { findUnsafeValue, unsafeValueError } from './input-guard';

/** Route config (`@RouteConfig(FORM_BODY)`) for the one kind of route that takes an HTML form: approval pages. */
export const FORM_BODY = { formBody: true } as const;

const takesForm = (request: FastifyRequest): boolean =>
  (request.routeOptions?.config as { formBody?: boolean } | undefined)?.formBody === true;

const unsupported = (expected: string) =>
  new DomainError('unsupported_media_type', `This route takes ${expected} bodies`, { expected });

type Done = (error: Error | null, body?: unknown) => void;

function checked(value: unknown, done: Done): void {
  const found = findUnsafeValue(value);
  if (found) done(unsafeValueError(found, 'body'));
  else done(null, value);
}

/**
 * The only two body parsers: JSON for API routes and form-urlencoded for routes marked FORM_BODY. Any other
 * content type (text/plain, multipart, none with a body), or the wrong one of the two, is `415
 * unsupported_media_type`. Parsed bodies pass findUnsafeValue (depth, NUL, lone surrogates, huge numbers) before
 * anything else sees them. An empty JSON body counts as no body. Call before the application initialises.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done: Done) => {
    if (takesForm(request)) return done(unsupported('application/x-www-form-urlencoded'));
    if ((body as string).length === 0) return done(null, undefined);
    void parseJson(request, body as string, (error, value) => (error ? done(error) : checked(value, done)));
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done: Done) => {
    if (!takesForm(request)) return done(unsupported('application/json'));
    checked(Object.fromEntries(new URLSearchParams(body as string)), done);
  });
}
