import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'requester', 'approver', 'auditor', 'checker'] as const;
export type Role = (typeof ROLES)[number];

export type Access = { kind: 'roles'; roles: Role[] } | { kind: 'operator' } | { kind: 'public' };

export const ACCESS_KEY = 'jit:access';

/** Tenant route: an API key or a person's token, with `X-Tenant-ID`; the caller must hold one of `roles`. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ACCESS_KEY, { kind: 'roles', roles } as Access);
/** Platform operator route: `X-API-Key` must equal `ADMIN_API_KEY`. */
export const Operator = () => SetMetadata(ACCESS_KEY, { kind: 'operator' } as Access);
/** No key: health, docs, approval pages (which carry their own token). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } as Access);

/** A person authenticated by a token of one of the tenant's identity providers (PRODUCT.md section 16). */
export interface Person {
  /** The identity provider's name. */
  provider: string;
  sub: string;
  /** Lower-cased. */
  email: string;
  name: string | null;
  groups: string[];
  amr: string[];
  /** The token's `auth_time` (seconds since the epoch), or null. */
  authTime: number | null;
}

export interface AuthContext {
  tenantId: string;
  /** The API key, or null when a person's token authenticated the call. */
  keyId: string | null;
  roles: Role[];
  /** The one person the caller acts as (the token's person, or a bound key's subject); null for a service key. */
  subjectEmail: string | null;
  person: Person | null;
}

export const hasRole = (auth: AuthContext, role: Role): boolean => auth.roles.includes(role);

/** Roles of a signed-in person: every person requests and approves as themselves; groups add admin and auditor. */
export function personRoles(groups: readonly string[], adminGroups: readonly string[], auditorGroups: readonly string[]): Role[] {
  const roles: Role[] = ['requester', 'approver'];
  if (groups.some((g) => adminGroups.includes(g))) roles.unshift('admin');
  if (groups.some((g) => auditorGroups.includes(g))) roles.push('auditor');
  return roles;
}
