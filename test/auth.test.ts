import { OPERATOR_KEY, startTestApp } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import type { Role } from '../src/common/auth/roles';

describe('authentication and roles', () => {
  const t = useTestApp();
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTenant(t, 'a'), createTenant(t, 'b')]);
  });

  const listKeys = (headers: Record<string, string>) => t.request({ method: 'GET', url: '/v1/api-keys', headers });

  it('refuses a missing, malformed or unknown key with 401', async () => {
    // The right key first, so that its id is known and its secret proven in this process: another secret is not.
    expect((await listKeys({ 'x-api-key': a.keys.admin, 'x-tenant-id': a.id })).status).toBe(200);
    const unknown = a.keys.admin.replace(/_[^_]+$/, '_' + 'x'.repeat(43));
    const cases: Record<string, string>[] = [{ 'x-tenant-id': a.id }, { 'x-api-key': 'nope', 'x-tenant-id': a.id }, { 'x-api-key': unknown, 'x-tenant-id': a.id }];
    for (const headers of cases) {
      const response = await listKeys(headers);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthenticated');
    }
  });

  it('refuses a valid key without X-Tenant-ID with 401', async () => {
    const response = await listKeys({ 'x-api-key': a.keys.admin });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it.each(['admin', 'requester', 'approver', 'auditor'] as Role[])(
    'answers tenant_mismatch for a %s key of tenant A with the id of tenant B',
    async (role) => {
      const response = await listKeys({ 'x-api-key': a.keys[role], 'x-tenant-id': b.id });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ code: 'tenant_mismatch', message: expect.any(String) });
    },
  );

  it.each([
    ['admin', 200],
    ['requester', 403],
    ['approver', 403],
    ['auditor', 403],
  ] as [Role, number][])('lets a %s key manage API keys: %d', async (role, status) => {
    const response = await a.as(role)({ method: 'GET', url: '/v1/api-keys' });
    expect(response.status).toBe(status);
    if (status === 403) expect(response.body.code).toBe('forbidden');
  });

  it('keeps operator routes behind ADMIN_API_KEY, and tenant keys out of them', async () => {
    expect((await t.request({ method: 'GET', url: '/v1/tenants' })).status).toBe(401);
    expect((await t.request({ method: 'GET', url: '/v1/tenants', headers: { 'x-api-key': a.keys.admin } })).status).toBe(401);
    const listed = await t.request({ method: 'GET', url: '/v1/tenants', headers: { 'x-api-key': OPERATOR_KEY } });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const one = await t.request({ method: 'GET', url: `/v1/tenants/${a.id}`, headers: { 'x-api-key': OPERATOR_KEY } });
    expect(one.body).toEqual({ id: a.id, name: 'a', created_at: expect.any(String) });
  });

  it('stops a revoked key at once in this process', async () => {
    const created = await a.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'temp', role: 'admin' } });
    expect(created.status).toBe(201);
    const temp = { 'x-api-key': created.body.key as string, 'x-tenant-id': a.id };
    // Twice: the second is answered from the key proven by the first.
    expect((await listKeys(temp)).status).toBe(200);
    expect((await listKeys(temp)).status).toBe(200);
    expect((await a.admin({ method: 'DELETE', url: `/v1/api-keys/${created.body.id}` })).status).toBe(204);
    expect((await listKeys(temp)).status).toBe(401);
  });
});

describe('operator endpoints without ADMIN_API_KEY', () => {
  it('are off', async () => {
    const t = await startTestApp({ ADMIN_API_KEY: '' });
    try {
      const response = await t.request({ method: 'GET', url: '/v1/tenants', headers: { 'x-api-key': OPERATOR_KEY } });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    } finally {
      await t.close();
    }
  });
});
