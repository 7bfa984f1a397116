import { DomainError, invalidInput } from '@/common/errors/domain-error';

/** RFC 6901 escaping of one reference token. */
export const escapeToken = (token: string | number): string => String(token).replace(/~/g, '~0').replace(/\//g, '~1');

/** `/a/b/0` from its tokens. */
export const pointer = (...tokens: (string | number)[]): string => tokens.map((t) => `/${escapeToken(t)}`).join('');

/** A field path as the rest of the service writes it (`config.url`, `approval_groups[0].email_list_uuid`) as tokens. */
export const pathTokens = (path: string): string[] => path.split(/\.|\[(\d+)\]\.?/).filter((t) => t !== undefined && t !== '');

/** The path as a JSON pointer below `base` (a path already starting with `/` is taken as a pointer). */
export function rebasePath(base: string, path: string): string {
  if (path.startsWith('/')) return path.startsWith(base) ? path : `${base}${path}`;
  return `${base}${pathTokens(path).map((t) => `/${escapeToken(t)}`).join('')}`;
}

/**
 * The same error with every field of `details.fields` written as a JSON pointer below `base`, so that a bundle's
 * errors always say where in the document the offending value is.
 */
export function rebaseError(error: unknown, base: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const fields = (error.details?.fields ?? {}) as Record<string, string[]>;
  const rebased = Object.fromEntries(Object.entries(fields).map(([path, messages]) => [rebasePath(base, path), messages]));
  const { fields: _fields, ...rest } = error.details ?? {};
  const code = error.code === 'conflict' ? 'invalid_input' : error.code;
  const first = Object.keys(rebased)[0] ?? base;
  return new DomainError(code, `${first}: ${error.message}`, { ...rest, fields: Object.keys(rebased).length > 0 ? rebased : { [base]: [error.message] } }, error.notices);
}

/** `400 invalid_input` naming one JSON pointer. */
export const atPointer = (at: string, message: string, notices?: string[]): DomainError =>
  invalidInput(`${at}: ${message}`, { fields: { [at]: [message] } }, notices);
