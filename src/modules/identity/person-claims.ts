import type { Person } from '@/common/auth/roles';
import { normalizeEmail } from '@/modules/email-lists/emails';
import type { ClaimNames } from './identity-provider.types';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
};

/**
 * The person a verified token names, by the provider's claim names; null when it carries no usable email
 * (`email_verified: false` counts as none). Groups and `amr` accept a string or a list of strings.
 */
export function personFromClaims(provider: string, claims: Record<string, unknown>, names: ClaimNames): Person | null {
  const email = claims[names.email];
  if (typeof email !== 'string' || !EMAIL.test(email.trim()) || claims.email_verified === false) return null;
  const name = claims[names.name];
  const authTime = claims.auth_time;
  return {
    provider,
    sub: typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : normalizeEmail(email),
    email: normalizeEmail(email),
    name: typeof name === 'string' ? name : null,
    groups: [...new Set(strings(claims[names.groups]))],
    amr: strings(claims[names.amr]),
    authTime: typeof authTime === 'number' && Number.isFinite(authTime) ? authTime : null,
  };
}
