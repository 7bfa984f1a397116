import fc from 'fast-check';
import { findUnsafeValue, locateUnsafeValue, MAX_DEPTH } from './input-guard';

const pathOf = (value: unknown) => findUnsafeValue(value)?.path ?? null;

describe('findUnsafeValue', () => {
  it('finds nothing in clean input', () => {
    expect(findUnsafeValue({ a: 'x', b: [1, 'y', { c: null }], d: true, e: 2 ** 53 - 1, f: 0.5 })).toBeNull();
    expect(findUnsafeValue(undefined)).toBeNull();
    expect(findUnsafeValue({ emoji: '\ud83d\ude00' })).toBeNull();
  });

  it('names the path of a string holding NUL', () => {
    expect(pathOf({ justification: 'ok\u0000' })).toBe('justification');
    expect(pathOf({ context: { tags: ['a', 'b\u0000'] } })).toBe('context.tags[1]');
    expect(findUnsafeValue({ a: 'ok\u0000' })?.problem).toBe('must not contain NUL characters');
  });

  it('names a key holding NUL', () => {
    expect(pathOf({ context: { 'k\u0000': 1 } })).toBe('context.k\u0000');
  });

  it('answers an empty path for a bare string', () => {
    expect(pathOf('\u0000')).toBe('');
  });

  it('refuses lone surrogate halves in values and keys', () => {
    expect(pathOf({ email: '\ud800@example.com' })).toBe('email');
    expect(pathOf({ id: 'a\udc00' })).toBe('id');
    expect(pathOf({ ['\ud800']: 1 })).toBe('\ud800');
  });

  it('refuses numbers that are not finite or beyond 2^53', () => {
    expect(pathOf({ n: JSON.parse('1e400') })).toBe('n');
    expect(pathOf({ n: [2 ** 53] })).toBe('n[0]');
    expect(pathOf({ n: -1e308 })).toBe('n');
  });

  it('refuses nesting beyond the limit without recursing', () => {
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    expect(findUnsafeValue(deep)?.problem).toMatch(/nest/);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i += 1) ok = [ok];
    expect(findUnsafeValue(ok)).toBeNull();
    expect(findUnsafeValue([ok])).not.toBeNull();
  });

  it('reports the first problem in document order', () => {
    expect(pathOf({ a: 'fine', b: '\u0000', c: '\u0000' })).toBe('b');
  });

  it('answers like the path-building walk for any JSON value, unsafe parts included', () => {
    const unsafeString = fc.constantFrom('a\u0000b', '\ud800', 'x\udfffy', '\u0000');
    const unsafeNumber = fc.constantFrom(2 ** 53, -(2 ** 60), Infinity, NaN);
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), unsafeString, unsafeNumber);
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), unsafeString), tie('value'), { maxKeys: 4 })),
    }));
    fc.assert(fc.property(value, fc.integer({ min: 1, max: 6 }), (input, maxDepth) => {
      expect(findUnsafeValue(input, maxDepth)).toEqual(locateUnsafeValue(input, maxDepth));
    }), { numRuns: 2000 });
  });
});
