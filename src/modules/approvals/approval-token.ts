import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => randomBytes(32).toString('base64url');

export const isTokenShaped = (value: string): boolean => TOKEN_SHAPE.test(value);

/** Only this digest is stored: a database reader cannot rebuild a working link. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** A link never outlives the request's approval deadline, nor the configured link lifetime when there is one. */
export function linkExpiry(approvalDeadline: Date | null, now: Date, ttlSeconds: number | undefined): Date {
  const byTtl = ttlSeconds === undefined ? null : now.getTime() + ttlSeconds * 1000;
  const candidates = [approvalDeadline?.getTime() ?? null, byTtl].filter((t): t is number => t !== null);
  return new Date(candidates.length ? Math.min(...candidates) : now.getTime());
}
