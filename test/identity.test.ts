import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { IdentityAuthenticator } from '../src/modules/identity/identity-authenticator';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host } from './support/grants';
import { AUDIENCE, newSigningKey, TestOidcProvider } from './support/oidc';
import type { TestApp } from './support/app';

const PEOPLE = [
  { id: 'ann', email: 'Ann@Example.com', name: 'Ann', groups: ['oncall', 'dev'], amr: ['pwd', 'mfa'] },
  { id: 'bob', email: 'bob@example.com', groups: ['dev'] },
  { id: 'root', email: 'root@example.com', groups: ['platform-admins'] },
];

const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };

/** Calls a tenant route with a person's token. */
export const withToken = (t: TestApp, tenant: TestTenant, token: string) => (options: Parameters<TestApp['request']>[0]) =>
  t.request({ ...options, headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant.id, ...(options.headers ?? {}) } });

describe('identity providers and people\'s tokens', () => {
  const t = useTestApp({ IDENTITY_ALLOW_INSECURE_ISSUERS: 'true', RATE_LIMIT_AUTH_FAILURES_PER_IP: '0' });
  let oidc: TestOidcProvider;
  let tenant: TestTenant;

  beforeAll(async () => {
    oidc = await TestOidcProvider.start({ people: PEOPLE });
    tenant = await createTenant(t);
    const created = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'corp', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE, admin_groups: ['platform-admins'] } });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await oidc?.close();
  });

  it('keeps identity providers for admins, refusing insecure URLs and duplicate names', async () => {
    const list = await tenant.admin({ method: 'GET', url: '/v1/identity-providers' });
    expect(list.body.data).toEqual([
      expect.objectContaining({ name: 'corp', type: 'oidc', issuer: oidc.issuer, audience: AUDIENCE, jwks_uri: null, claims: { email: 'email', groups: 'groups', name: 'name', amr: 'amr' }, admin_groups: ['platform-admins'], auditor_groups: [] }),
    ]);
    const insecure = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'x', type: 'oidc', issuer: 'http://idp.example.com', audience: 'a' } });
    expect(insecure.status).toBe(400);
    expect(insecure.body.details.fields.issuer).toEqual(['issuer must use https (http only on loopback addresses)']);
    const duplicate = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'corp', type: 'oidc', issuer: 'https://idp.example.com', audience: 'a' } });
    expect(duplicate.status).toBe(409);
    expect((await tenant.as('requester')({ method: 'GET', url: '/v1/identity-providers' })).status).toBe(403);

    const other = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'other', type: 'cloudflare_access', issuer: 'https://team.cloudflareaccess.com/', audience: 'aud-tag' } });
    expect(other.body).toMatchObject({ issuer: 'https://team.cloudflareaccess.com', jwks_uri: null });
    const patched = await tenant.admin({ method: 'PATCH', url: `/v1/identity-providers/${other.body.id}`, body: { claims: { groups: 'roles' }, auditor_groups: ['audit'] } });
    expect(patched.body).toMatchObject({ claims: { email: 'email', groups: 'roles', name: 'name', amr: 'amr' }, auditor_groups: ['audit'] });
    expect((await tenant.admin({ method: 'DELETE', url: `/v1/identity-providers/${other.body.id}` })).status).toBe(204);
    expect((await tenant.admin({ method: 'GET', url: `/v1/identity-providers/${other.body.id}` })).status).toBe(404);
    const audit = await tenant.admin({ method: 'GET', url: '/v1/audit/events?target_type=identity_provider' });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['identity_provider.created', 'identity_provider.updated', 'identity_provider.deleted']));
  });

  it('authenticates a person from a token the provider issued, with roles from groups', async () => {
    const me = await withToken(t, tenant, await oidc.tokenFor('ann'))({ method: 'GET', url: '/v1/me' });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ email: 'ann@example.com', name: 'Ann', groups: ['oncall', 'dev'], roles: ['requester', 'approver'], provider: 'corp', key_id: null });
    const root = await withToken(t, tenant, await oidc.tokenFor('root'))({ method: 'GET', url: '/v1/me' });
    expect(root.body.roles).toEqual(['admin', 'requester', 'approver']);
    expect((await withToken(t, tenant, await oidc.tokenFor('root'))({ method: 'GET', url: '/v1/identity-providers' })).status).toBe(200);
    expect((await withToken(t, tenant, await oidc.tokenFor('ann'))({ method: 'GET', url: '/v1/identity-providers' })).status).toBe(403);
  });

  it('keeps no provider list for made-up tenant ids sent with a token once their second is up', async () => {
    const authenticator = t.app.get(IdentityAuthenticator);
    const token = await oidc.tokenFor('ann');
    for (let i = 0; i < 20; i += 1) {
      const response = await t.request({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}`, 'x-tenant-id': randomUUID() } });
      expect(response.status).toBe(401);
    }
    expect(authenticator.cachedProviderLists).toBeGreaterThanOrEqual(20);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await withToken(t, tenant, token)({ method: 'GET', url: '/v1/me' })).status).toBe(200);
    expect(authenticator.cachedProviderLists).toBe(1);
  });

  it('refuses every token fault with 401 and the reason', async () => {
    const call = async (token: string) => {
      const response = await withToken(t, tenant, token)({ method: 'GET', url: '/v1/me' });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('unauthenticated');
      return response.body.details.reason as string;
    };
    const now = Math.floor(Date.now() / 1000);
    const person = { sub: 'ann', email: 'ann@example.com' };
    expect((await withToken(t, tenant, await oidc.sign({ ...person }))({ method: 'GET', url: '/v1/me' })).status).toBe(200);
    expect(await call(await oidc.sign({ ...person, exp: now - 3600 }))).toBe('expired');
    expect(await call(await oidc.sign({ ...person, nbf: now + 3600 }))).toBe('not_yet_valid');
    expect(await call(await oidc.sign({ ...person, aud: 'someone-else' }))).toBe('audience');
    expect(await call(await oidc.sign({ ...person }, { issuer: 'http://127.0.0.1:1/other' }))).toBe('issuer');
    const stranger = await newSigningKey('key-1');
    expect(await call(await oidc.sign({ ...person }, { key: stranger }))).toBe('signature');
    expect(await call(await oidc.sign({ ...person }, { key: stranger, kid: 'no-such-kid' }))).toBe('unknown_key');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...person, iss: oidc.issuer, aud: AUDIENCE, exp: now + 600 })).toString('base64url')}.`;
    expect(await call(unsigned)).toBe('algorithm');
    // The HMAC confusion: the provider's public key used as an HS256 secret.
    const jwks = (await (await fetch(`${oidc.issuer}/jwks`)).json()) as { keys: Record<string, string>[] };
    const hmac = await new SignJWT({ ...person, iss: oidc.issuer, aud: AUDIENCE, exp: now + 600 }).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    expect(await call(hmac)).toBe('algorithm');
    expect(await call('not-a-jwt')).toBe('malformed');
    expect(await call(await oidc.sign({ sub: 'ann' }))).toBe('claims');
  });

  it('decides from the token\'s groups and context.identity, never from the caller\'s context', async () => {
    await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: {
        name: 'oncall with mfa',
        max_duration_seconds: 3600,
        rules: [{ ...ANY, principal_scope_type: 'in', principal_entity_type: 'IdpGroup', principal_entity_id: 'corp/oncall', action_scope_type: 'eq', action_ids: ['sudo'], conditions: 'context.identity.amr.contains("mfa") && principal.email == "ann@example.com"' }],
      },
    });
    const ann = withToken(t, tenant, await oidc.tokenFor('ann'));
    const request = { principal: { type: 'User', id: 'ann@example.com' }, action: action('sudo'), resource: host('db1') };
    const granted = await ann({ method: 'POST', url: '/v1/grants', body: request });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ status: 'active', requester_email: 'ann@example.com' });

    const bob = withToken(t, tenant, await oidc.tokenFor('bob'));
    const spoofed = await bob({ method: 'POST', url: '/v1/grants', body: { ...request, principal: { type: 'User', id: 'bob@example.com' }, context: { identity: { provider: 'corp', amr: ['mfa'] } } } });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body.code).toBe('access_denied');

    const forOther = await bob({ method: 'POST', url: '/v1/grants', body: request });
    expect(forOther.status).toBe(403);
    expect(forOther.body.code).toBe('forbidden');
    const otherRequester = await ann({ method: 'POST', url: '/v1/grants', body: { ...request, requester_email: 'bob@example.com' } });
    expect(otherRequester.status).toBe(403);

    const events = await tenant.admin({ method: 'GET', url: `/v1/grants/${granted.body.id}` });
    expect(events.body.events[0].actor).toEqual({ type: 'person', id: 'corp/ann', email: 'ann@example.com' });
  });

  it('lets principal in IdpGroup::"corp/oncall" decide from the token\'s groups, also at activation after approval', async () => {
    await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: {
        name: 'oncall deploys',
        max_duration_seconds: 3600,
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_addresses: ['root@example.com'] }],
        rules: [{ ...ANY, principal_scope_type: 'in', principal_entity_type: 'IdpGroup', principal_entity_id: 'corp/oncall', action_scope_type: 'eq', action_ids: ['deploy'] }],
      },
    });
    const deploy = (email: string) => ({ principal: { type: 'User', id: email }, action: action('deploy'), resource: host('web1') });
    const bob = await withToken(t, tenant, await oidc.tokenFor('bob'))({ method: 'POST', url: '/v1/grants', body: deploy('bob@example.com') });
    expect(bob.body.code).toBe('access_denied');
    // Without a token nobody is in IdpGroup::"corp/oncall": a key asking for ann is denied.
    expect((await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: deploy('ann@example.com') })).body.code).toBe('access_denied');

    const ann = await withToken(t, tenant, await oidc.tokenFor('ann'))({ method: 'POST', url: '/v1/grants', body: deploy('ann@example.com') });
    expect(ann.body.status).toBe('pending_approval');
    const approved = await withToken(t, tenant, await oidc.tokenFor('root'))({ method: 'POST', url: `/v1/grants/${ann.body.id}/approvals`, body: { decision: 'approve' } });
    expect(approved.status).toBe(201);
    expect(approved.body.status).toBe('active');
  });

  it('reads Cloudflare Access tokens from Cf-Access-Jwt-Assertion, with keys at <team domain>/cdn-cgi/access/certs', async () => {
    const team = await TestOidcProvider.start({ people: PEOPLE, routes: { jwks: '/cdn-cgi/access/certs' } });
    try {
      const created = await tenant.admin({ method: 'POST', url: '/v1/identity-providers', body: { name: 'cf', type: 'cloudflare_access', issuer: team.issuer, audience: 'app-aud-tag', auditor_groups: ['audit'] } });
      expect(created.status).toBe(201);
      const assertion = await team.sign({ aud: ['app-aud-tag'], sub: 'cf-user-1', email: 'Eve@Example.com', groups: ['audit'], type: 'app' });
      const me = await t.request({ method: 'GET', url: '/v1/me', headers: { 'cf-access-jwt-assertion': assertion, 'x-tenant-id': tenant.id } });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: 'eve@example.com', provider: 'cf', roles: ['requester', 'approver', 'auditor'] });
      const otherApp = await team.sign({ aud: ['another-app'], email: 'eve@example.com' });
      const refused = await t.request({ method: 'GET', url: '/v1/me', headers: { 'cf-access-jwt-assertion': otherApp, 'x-tenant-id': tenant.id } });
      expect(refused.status).toBe(401);
      expect(refused.body.details.reason).toBe('audience');
      // An OIDC provider's token is not accepted in Cloudflare's header.
      const viaHeader = await t.request({ method: 'GET', url: '/v1/me', headers: { 'cf-access-jwt-assertion': await oidc.tokenFor('ann'), 'x-tenant-id': tenant.id } });
      expect(viaHeader.body.details.reason).toBe('issuer');
    } finally {
      await team.close();
    }
  });
});
