import { Client } from 'pg';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';
import { freePort } from './support/notifications';
import { AUDIENCE, TestOidcProvider } from './support/oidc';

/**
 * PRODUCT.md section 16, approval links that require sign-in, when sign-in cannot start: no `oidc` provider with a
 * `client_id`, or one whose issuer cannot be reached. The link must answer a page that says so with a 503 (never a
 * 500 "Something went wrong"), and no decision can be made through it.
 */
describe('approval links when sign-in is required but cannot start', () => {
  const t = useTestApp({ IDENTITY_ALLOW_INSECURE_ISSUERS: 'true' });
  let oidc: TestOidcProvider;
  let tenant: TestTenant;
  let signInProviderId: string;

  beforeAll(async () => {
    oidc = await TestOidcProvider.start({ people: [{ id: 'boss', email: 'boss@example.com', groups: [] }] });
    tenant = await createTenant(t);
    expect((await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'corp', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE } })).status).toBe(201);
    const enable = () => tenant.admin({ method: 'PATCH', url: '/v1/settings', body: { approval_requires_sign_in: true } });
    // Turning sign-in on without a provider approvers can sign in with is refused; once there is one it is accepted.
    expect(await enable()).toMatchObject({ status: 409, body: { code: 'conflict', details: { fields: { approval_requires_sign_in: [expect.stringContaining('client_id')] } } } });
    const signIn = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'sign-in', type: 'oidc', issuer: oidc.issuer, audience: 'urn:jit-approvals', client_id: 'jit-approvals' } });
    expect(signIn.status).toBe(201);
    signInProviderId = signIn.body.id as string;
    expect((await enable()).status).toBe(200);
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }] });
  });
  afterAll(async () => {
    await oidc?.close();
  });

  const linkToNewRequest = async () => {
    const requested = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('sudo'), resource: host('db1'), requester_email: 'alice@example.com' } });
    expect(requested.body.status).toBe('pending_approval');
    const link = await t.app.get(ApprovalTokensService).issue(tenant.id, requested.body.id as string, 'boss@example.com', 'email');
    return { grantId: requested.body.id as string, path: `/approvals/${link.token}` };
  };

  it('answers 503 with the reason when no oidc provider has a client_id (any more), and decides nothing', async () => {
    // The API keeps the last provider to sign in with while the setting is on; a database edit can still remove it.
    const refused = await tenant.admin({ method: 'DELETE', url: `/v1/identity-providers/${signInProviderId}` });
    expect(refused).toMatchObject({ status: 409, body: { details: { fields: { approval_requires_sign_in: [expect.stringContaining('turn approval_requires_sign_in off first')] } } } });
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    await db.query('DELETE FROM identity_providers WHERE id = $1', [signInProviderId]);
    await db.end();
    const { grantId, path } = await linkToNewRequest();
    const shown = await t.request({ method: 'GET', url: path });
    expect(shown.status).toBe(503);
    expect(shown.text).toContain('no oidc identity provider with a client_id');
    const posted = await t.request({ method: 'POST', url: path, payload: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(posted.status).toBe(401);
    expect((await tenant.admin({ method: 'GET', url: `/v1/grants/${grantId}` })).body).toMatchObject({ status: 'pending_approval', approvals: [] });
  });

  it('answers 503 when the provider with a client_id cannot be reached', async () => {
    const deadIssuer = `http://127.0.0.1:${await freePort()}`;
    const created = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'down', type: 'oidc', issuer: deadIssuer, audience: AUDIENCE, jwks_uri: `${deadIssuer}/jwks`, client_id: 'jit-approvals' } });
    expect(created.status).toBe(201);
    const { grantId, path } = await linkToNewRequest();
    const shown = await t.request({ method: 'GET', url: path });
    expect(shown.status).toBe(503);
    expect(shown.text).toContain('cannot be reached');
    expect((await tenant.admin({ method: 'GET', url: `/v1/grants/${grantId}` })).body.status).toBe('pending_approval');
  });
});
