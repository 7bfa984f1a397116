import type { FastifyInstance } from 'fastify';
import { invalidInput } from '@/common/errors/domain-error';

const NUL = '\u0000';
const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** The path of the first string or key holding a NUL character, or null. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findNul(value[i], join(path, i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes(NUL)) return join(path, key);
      const found = findNul(child, join(path, key));
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * PostgreSQL stores no NUL character in text or jsonb: such input would fail deep inside a transaction as a 500.
 * Refused up front, for every route, as `400 invalid_input` naming the field.
 */
export function refuseNulCharacters(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const field = findNul(request.body) ?? findNul(request.query) ?? findNul(request.params);
    if (field === null) return done();
    const name = field || 'body';
    done(invalidInput(`${name} must not contain NUL characters`, { fields: { [name]: ['must not contain NUL characters'] } }));
  });
}
