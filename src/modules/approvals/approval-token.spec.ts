import { hashToken, isTokenShaped, linkExpiry, newToken } from './approval-token';

describe('approval tokens', () => {
  it('are 32 random bytes in base64url, different every time', () => {
    const a = newToken();
    expect(isTokenShaped(a)).toBe(true);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(a);
  });

  it('refuse anything else before a lookup', () => {
    expect(isTokenShaped('short')).toBe(false);
    expect(isTokenShaped(`${'a'.repeat(42)}/`)).toBe(false);
    expect(isTokenShaped('a'.repeat(44))).toBe(false);
  });

  it('are stored as their SHA-256', () => {
    expect(hashToken('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('expire at the earlier of the approval deadline and the link lifetime', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const deadline = new Date('2026-01-01T01:00:00Z');
    expect(linkExpiry(deadline, now, 86400)).toEqual(deadline);
    expect(linkExpiry(deadline, now, 60)).toEqual(new Date('2026-01-01T00:01:00Z'));
    expect(linkExpiry(deadline, now, undefined)).toEqual(deadline);
    expect(linkExpiry(null, now, 60)).toEqual(new Date('2026-01-01T00:01:00Z'));
  });
});
