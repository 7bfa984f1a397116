import { isUtf8 } from 'node:buffer';
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

/** `charset` values a body may declare; any other is refused rather than decoded as something it is not. */
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * `415 unsupported_media_type` when the Content-Type names a charset other than UTF-8: every body is read as UTF-8,
 * so `charset=iso-8859-1` would turn `j\xfcrg` into another name than the client meant.
 */
export function charsetError(contentType: string | undefined): DomainError | null {
  const charset = CHARSET.exec(contentType ?? '')?.[1];
  if (charset === undefined || UTF8_CHARSETS.has(charset.toLowerCase())) return null;
  return new DomainError('unsupported_media_type', 'Bodies must be UTF-8 (charset=utf-8)', { expected: 'charset=utf-8' });
}

/**
 * The body's text, or `400 invalid_input` when its bytes are not UTF-8. A lenient decode replaces each invalid byte
 * with U+FFFD, so `j\xfcrg` and `j\xf6rg` (Latin-1 bytes) would both become `j\ufffdrg`: one principal.
 */
export function utf8Text(body: Buffer): string | DomainError {
  if (!isUtf8(body)) return new DomainError('invalid_input', 'The body is not valid UTF-8', { fields: { body: ['must be valid UTF-8'] } });
  return body.toString('utf8');
}

function checked(value: unknown, done: Done): void {
  const found = findUnsafeValue(value);
  if (found) done(unsafeValueError(found, 'body'));
  else done(null, value);
}

/**
 * A JSON body as every route reads it: strict UTF-8 (utf8Text), Fastify's parser (which refuses `__proto__` and
 * `constructor.prototype` keys), then findUnsafeValue; an empty body is undefined. Calls `done` synchronously.
 */
export function jsonBodyParser(fastify: FastifyInstance): (body: Buffer, done: Done) => void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (body, done) => {
    if (body.length === 0) return done(null, undefined);
    const text = utf8Text(body);
    if (typeof text !== 'string') return done(text);
    void parseJson(null as unknown as FastifyRequest, text, (error, value) => (error ? done(error) : checked(value, done)));
  };
}

/** Reads a body as a Buffer, refuses a charset other than UTF-8 (charsetError), then hands it to `parse`. */
const buffered =
  (parse: (request: FastifyRequest, body: Buffer, done: Done) => void) =>
  (request: FastifyRequest, body: string | Buffer, done: Done): void => {
    const refused = charsetError(request.headers['content-type']);
    if (refused) return done(refused);
    parse(request, body as Buffer, done);
  };

/** A text body (form, YAML) as UTF-8, or its refusal. */
function textOf(body: Buffer, done: Done): string | null {
  const text = utf8Text(body);
  if (typeof text === 'string') return text;
  done(text);
  return null;
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
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    buffered((request, body, done) => {
      if (takesForm(request)) return done(unsupported('application/x-www-form-urlencoded'));
      parseJson(body, done);
    }),
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    buffered((request, body, done) => {
      if (!takesForm(request)) return done(unsupported('application/json'));
      const text = textOf(body, done);
      if (text !== null) checked(Object.fromEntries(new URLSearchParams(text)), done);
    }),
  );
  fastify.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'buffer' }, buffered(parseYamlBody));
}

function parseYamlBody(request: FastifyRequest, body: Buffer, done: Done): void {
  if (!takesYaml(request)) return done(unsupported('application/json'));
  if (body.length === 0) return done(null, undefined);
  const text = textOf(body, done);
  if (text === null) return;
  let value: unknown;
  try {
    // Aliases are bounded (no "billion laughs"), duplicate keys refused, YAML 1.2 core schema only.
    value = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, schema: 'core', prettyErrors: true });
  } catch (error) {
    return done(new DomainError('invalid_input', `The body is not valid YAML: ${(error as Error).message}`, { fields: { body: ['must be valid YAML'] } }));
  }
  checked(value, done);
}
