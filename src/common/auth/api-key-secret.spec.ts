import { constantTimeEquals, formatKey, hashSecret, newSecret, parseKey, secretMatches } from './api-key-secret';

describe('api key secrets', () => {
  const keyId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('round-trips a key and checks its secret', () => {
    const secret = newSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const parsed = parseKey(formatKey(keyId, secret));
    expect(parsed).toEqual({ keyId, secret });
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(newSecret(), hashSecret(secret))).toBe(false);
  });

  it('refuses malformed keys', () => {
    for (const raw of [undefined, '', 'jit_x_y', `abc_${keyId}_${newSecret()}`, `jit_${keyId}_short`]) {
      expect(parseKey(raw)).toBeNull();
    }
  });

  it('compares operator keys in constant time', () => {
    expect(constantTimeEquals('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(constantTimeEquals('a'.repeat(40), 'a'.repeat(41))).toBe(false);
  });
});
