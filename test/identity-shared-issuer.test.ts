import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { AUDIENCE, TestOidcProvider } from './support/oidc';

/**
 * PRODUCT.md section 16: one identity provider issuer with two audiences (two clients of the same IdP, say the
 * portal and the command line), registered as two providers of one tenant. Each token is verified by the provider
 * whose audience it carries, so each provider's name and group mappings apply to its own tokens.
 */
describe('two identity providers of one tenant with the same issuer and different audiences', () => {
  const t = useTestApp({ IDENTITY_ALLOW_INSECURE_ISSUERS: 'true', RATE_LIMIT_AUTH_FAILURES_PER_IP: '0' });
  let oidc: TestOidcProvider;
  let tenant: TestTenant;
  const me = async (token: string) => t.request({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant.id } });

  beforeAll(async () => {
    oidc = await TestOidcProvider.start({ people: [] });
    tenant = await createTenant(t);
    for (const body of [
      { name: 'portal', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE },
      { name: 'cli', type: 'oidc', issuer: oidc.issuer, audience: 'urn:jit-cli', admin_groups: ['ops'] },
    ]) {
      expect((await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await oidc?.close();
  });

  it('verifies each token with the provider of its audience', async () => {
    const cli = await me(await oidc.sign({ sub: 'ann', email: 'ann@example.com', groups: ['ops'], aud: 'urn:jit-cli' }));
    expect(cli.status).toBe(200);
    expect(cli.body).toMatchObject({ email: 'ann@example.com', provider: 'cli', roles: expect.arrayContaining(['admin']) });
    const portal = await me(await oidc.sign({ sub: 'ann', email: 'ann@example.com', groups: ['ops'] }));
    expect(portal.status).toBe(200);
    expect(portal.body).toMatchObject({ provider: 'portal' });
    expect(portal.body.roles).not.toContain('admin');
    const neither = await me(await oidc.sign({ sub: 'ann', email: 'ann@example.com', aud: 'urn:someone-else' }));
    expect(neither).toMatchObject({ status: 401, body: { details: { reason: 'audience' } } });
  });

  it('refuses a third provider with an issuer and audience already registered (409), also written with a trailing slash', async () => {
    const again = { name: 'portal-again', type: 'oidc', issuer: `${oidc.issuer}/`, audience: AUDIENCE };
    const created = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: again });
    expect(created).toMatchObject({ status: 409, body: { code: 'conflict', details: { fields: { audience: [expect.stringContaining('same issuer and audience')] } } } });
    const listed = await tenant.admin({ method: 'GET', url: '/v1/identity-providers' });
    expect(listed.body.data.map((p: { name: string }) => p.name).sort()).toEqual(['cli', 'portal']);
    const cli = listed.body.data.find((p: { name: string }) => p.name === 'cli') as { id: string };
    const moved = await tenant.admin({ method: 'PATCH', url: `/v1/identity-providers/${cli.id}`, body: { audience: AUDIENCE } });
    expect(moved).toMatchObject({ status: 409, body: { details: { fields: { audience: [expect.stringContaining('same issuer and audience')] } } } });
    const sameName = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { ...again, name: 'cli', audience: 'urn:other' } });
    expect(sameName).toMatchObject({ status: 409, body: { details: { fields: { name: [expect.stringContaining('already exists')] } } } });
  });
});
