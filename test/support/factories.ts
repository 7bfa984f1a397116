import type { Role } from '../../src/common/auth/roles';
import { OPERATOR_KEY, RequestOptions, TestApp, TestResponse } from './app';

export interface TestTenant {
  id: string;
  keys: Record<Role, string>;
  /** Calls a tenant route with the key of `role` (admin by default). */
  as: (role: Role) => (options: RequestOptions) => Promise<TestResponse>;
  admin: (options: RequestOptions) => Promise<TestResponse>;
}

export async function createApiKey(t: TestApp, tenantId: string, role: Role): Promise<string> {
  const response = await t.request({
    method: 'POST',
    url: `/v1/tenants/${tenantId}/api-keys`,
    headers: { 'x-api-key': OPERATOR_KEY },
    body: { name: `${role} key`, role },
  });
  if (response.status !== 201) throw new Error(`key creation failed: ${response.status} ${response.text}`);
  return response.body.key as string;
}

/** A tenant with one key per role, created through the operator API. */
export async function createTenant(t: TestApp, name = 'tenant'): Promise<TestTenant> {
  const created = await t.request({
    method: 'POST',
    url: '/v1/tenants',
    headers: { 'x-api-key': OPERATOR_KEY },
    body: { name },
  });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${created.status} ${created.text}`);
  const id = created.body.id as string;
  const roles: Role[] = ['admin', 'requester', 'approver', 'auditor'];
  const keys = Object.fromEntries(
    await Promise.all(roles.map(async (role) => [role, await createApiKey(t, id, role)] as const)),
  ) as Record<Role, string>;
  const as = (role: Role) => (options: RequestOptions) =>
    t.request({ ...options, headers: { 'x-api-key': keys[role], 'x-tenant-id': id, ...(options.headers ?? {}) } });
  return { id, keys, as, admin: as('admin') };
}
