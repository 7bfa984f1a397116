import { normalizeEmail, normalizeEmails } from './emails';

describe('normalizeEmails', () => {
  it('lower-cases, trims and removes duplicates, keeping first-seen order', () => {
    expect(normalizeEmails(['Bob@Example.com', 'alice@example.com', ' bob@example.com '])).toEqual([
      'bob@example.com',
      'alice@example.com',
    ]);
  });

  it('keeps an empty list empty', () => {
    expect(normalizeEmails([])).toEqual([]);
    expect(normalizeEmail('  X@Y.Z ')).toBe('x@y.z');
  });
});
