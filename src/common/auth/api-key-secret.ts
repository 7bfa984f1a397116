import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'jit';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ParsedKey {
  keyId: string;
  secret: string;
}

/** A key reads `jit_<key id>_<43 chars of base64url, 32 random bytes>`: the id finds the row, the secret proves it. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatKey(keyId: string, secret: string): string {
  return `${PREFIX}_${keyId}_${secret}`;
}

export function parseKey(raw: string | undefined): ParsedKey | null {
  if (!raw || raw.length > 200) return null;
  const parts = raw.split('_');
  if (parts.length < 3 || parts[0] !== PREFIX) return null;
  const keyId = parts[1];
  const secret = parts.slice(2).join('_');
  if (!UUID.test(keyId) || secret.length < 43) return null;
  return { keyId, secret };
}

/** 32 random bytes need no slow hash: nothing can be guessed offline from a SHA-256 of them. */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

export function secretMatches(secret: string, hash: Uint8Array): boolean {
  const candidate = hashSecret(secret);
  return hash.length === candidate.length && timingSafeEqual(candidate, hash);
}

/** Compares two strings without leaking where they differ (lengths are hashed away). */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(hashSecret(a), hashSecret(b));
}
