import { findNul } from './nul-guard';

describe('findNul', () => {
  it('finds nothing in clean input', () => {
    expect(findNul({ a: 'x', b: [1, 'y', { c: null }], d: true })).toBeNull();
    expect(findNul(undefined)).toBeNull();
  });

  it('names the path of a string holding NUL', () => {
    expect(findNul({ justification: 'ok\u0000' })).toBe('justification');
    expect(findNul({ context: { tags: ['a', 'b\u0000'] } })).toBe('context.tags[1]');
  });

  it('names a key holding NUL', () => {
    expect(findNul({ context: { 'k\u0000': 1 } })).toBe('context.k\u0000');
  });

  it('answers an empty path for a bare string', () => {
    expect(findNul('\u0000')).toBe('');
  });
});
