import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'requester', 'approver', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Access = { kind: 'roles'; roles: Role[] } | { kind: 'operator' } | { kind: 'public' };

export const ACCESS_KEY = 'jit:access';

/** Tenant route: `X-API-Key` and `X-Tenant-ID` required, key role must be one of `roles`. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ACCESS_KEY, { kind: 'roles', roles } as Access);
/** Platform operator route: `X-API-Key` must equal `ADMIN_API_KEY`. */
export const Operator = () => SetMetadata(ACCESS_KEY, { kind: 'operator' } as Access);
/** No key: health, docs, approval pages (which carry their own token). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } as Access);

export interface AuthContext {
  tenantId: string;
  keyId: string;
  role: Role;
}
