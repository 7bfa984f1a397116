import type { FastifyInstance } from 'fastify';
import { invalidInput } from '@/common/errors/domain-error';

/** Deepest nesting of arrays and objects a request may carry; Cedar records and contexts need far fewer levels. */
export const MAX_DEPTH = 32;

const NUL = '\u0000';

export interface UnsafeValue {
  /** `context.tags[1]`, `principal.id`; empty for the whole value. */
  path: string;
  problem: string;
}

// ES2024's String.prototype.isWellFormed, present in Node 20; the compiler's lib stops at ES2023.
const wellFormed = (value: string): boolean => (value as string & { isWellFormed(): boolean }).isWellFormed();

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function stringProblem(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain NUL characters';
  if (!wellFormed(value)) return 'must be valid Unicode (no lone surrogate halves)';
  return null;
}

function numberProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return 'must be an integer between -(2^53 - 1) and 2^53 - 1';
  return null;
}

/**
 * The first value no part of the service can store or decide on: a string or key holding NUL (PostgreSQL refuses
 * it in text and jsonb) or a lone surrogate half (refused by PostgreSQL's JSON, Cedar and validators), a number
 * that is not finite (`1e400` parses as Infinity) or an integer beyond 2^53 (silently rounded), and nesting deeper
 * than MAX_DEPTH. A body nested 10,000 levels deep costs at most MAX_DEPTH frames; nothing is allocated unless a
 * value is unsafe.
 */
export function findUnsafeValue(root: unknown, maxDepth = MAX_DEPTH): UnsafeValue | null {
  return isSafe(root, 0, maxDepth) ? null : locateUnsafeValue(root, maxDepth);
}

/**
 * The common case without allocating: true when nothing in `value` is unsafe. Recursion stops at `maxDepth`, so a
 * deeply nested body costs at most that many frames.
 */
function isSafe(value: unknown, depth: number, maxDepth: number): boolean {
  if (typeof value === 'string') return stringProblem(value) === null;
  if (typeof value === 'number') return numberProblem(value) === null;
  if (value === null || typeof value !== 'object') return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (!isSafe(value[i], depth + 1, maxDepth)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (stringProblem(key) !== null || !isSafe(record[key], depth + 1, maxDepth)) return false;
  }
  return true;
}

/** Where the first unsafe value is, with its path; iterative. findUnsafeValue calls it only once something was found. */
export function locateUnsafeValue(root: unknown, maxDepth: number): UnsafeValue | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return { path, problem };
    } else if (typeof value === 'number') {
      const problem = numberProblem(value);
      if (problem) return { path, problem };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= maxDepth) return { path, problem: `must not nest more than ${maxDepth} levels deep` };
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((child, i) => [i, child]) : Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i];
        if (typeof key === 'string') {
          const problem = stringProblem(key);
          if (problem) return { path: join(path, key), problem: `key ${problem}` };
        }
        stack.push({ value: child, path: join(path, key), depth: depth + 1 });
      }
    }
  }
  return null;
}

/** The error for an unsafe value: `400 invalid_input` naming the field (`body` for the whole body). */
export function unsafeValueError(found: UnsafeValue, whole: string) {
  const name = found.path || whole;
  return invalidInput(`${name} ${found.problem}`, { fields: { [name]: [found.problem] } });
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object') return false;
  for (const _key in value) return false;
  return true;
}

/**
 * Query strings and path parameters get the same checks as bodies (bodies are checked by the JSON parser), for
 * every route, before validation: `400 invalid_input` naming the field.
 */
export function refuseUnsafeValues(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (isEmpty(request.query) && isEmpty(request.params)) return done();
    const found = findUnsafeValue(request.query) ?? findUnsafeValue(request.params);
    done(found ? unsafeValueError(found, 'query') : undefined);
  });
}
