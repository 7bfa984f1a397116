import { useTestApp } from './support/use-test-app';
import { createTenant } from './support/factories';

// Policy bundles (section 17) replace a tenant's /v1 policies; its Cloudflare Access policies (section 15) are not
// part of a bundle, and they keep deciding: a plan's expectations and impact must see them as the live engine does.
describe('policy bundles with Cloudflare Access policies', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });

  it('plans and applies with the Access policies still deciding: expectations pass, app grants are not impacted', async () => {
    const tenant = await createTenant(t);
    const cf = (path: string, body: unknown) => tenant.admin({ method: 'POST', url: `/client/v4/accounts/${tenant.id}${path}`, body });
    const appId = (await cf('/access/apps', { name: 'wiki', domain: 'wiki.example.com', type: 'self_hosted' })).body.result.id as string;
    expect((await cf(`/access/apps/${appId}/policies`, { name: 'staff', decision: 'allow', include: [{ everyone: {} }], session_duration: '1h' })).status).toBe(201);
    const wiki = { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId } };
    const grant = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: wiki });
    expect(grant.body.status).toBe('active');

    const exported = (await tenant.admin({ method: 'GET', url: '/v1/policy-bundles/current' })).body as Record<string, unknown>;
    const next = {
      ...exported,
      policies: [{ name: 'ssh', max_duration_seconds: 600, rules: [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: ['ssh'], resource_scope_type: 'any' }] }],
      tests: [{ name: 'the wiki stays open', ...wiki, expect: 'allow' }],
    };
    const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: next });
    expect(planned.status).toBe(200);
    expect(planned.body.tests).toEqual([expect.objectContaining({ name: 'the wiki stays open', passed: true, decision: 'allow' })]);
    expect(planned.body.impact).toEqual({ active_denied: [], pending_denied: [], pending_rerouted: [] });

    const applied = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/apply?on_impact=revoke', body: next, headers: { 'if-match': `"${planned.body.policy_set_version}"` } });
    expect(applied.status).toBe(200);
    expect((await tenant.admin({ method: 'GET', url: `/v1/grants/${grant.body.id}` })).body.status).toBe('active');
    expect((await tenant.as('requester')({ method: 'POST', url: '/v1/access/check', body: wiki })).body.allowed).toBe(true);
  });

  it('recompiles Access policies that name a list the bundle changes, and refuses to remove such a list', async () => {
    const tenant = await createTenant(t);
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'oncall', emails: ['alice@example.com'] } });
    const entities = ['alice', 'bob'].map((id) => ({ uid: { type: 'User', id }, attrs: { email: `${id}@example.com` }, parents: [] }));
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: entities })).status).toBe(200);
    const cf = (path: string, body: unknown) => tenant.admin({ method: 'POST', url: `/client/v4/accounts/${tenant.id}${path}`, body });
    const appId = (await cf('/access/apps', { name: 'pager', domain: 'pager.example.com', type: 'self_hosted' })).body.result.id as string;
    expect((await cf(`/access/apps/${appId}/policies`, { name: 'oncall', decision: 'allow', include: [{ email_list: { id: list.body.id } }] })).status).toBe(201);
    const simulate = async (id: string) =>
      (await tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { principal: { type: 'User', id }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId } } })).body.decision as string;
    expect([await simulate('alice'), await simulate('bob')]).toEqual(['allow', 'deny']);

    const exported = (await tenant.admin({ method: 'GET', url: '/v1/policy-bundles/current' })).body as Record<string, unknown>;
    const apply = async (bundle: unknown) => {
      const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: bundle });
      return tenant.admin({ method: 'POST', url: '/v1/policy-bundles/apply', body: bundle, headers: { 'if-match': `"${planned.body.policy_set_version}"` } });
    };
    expect((await apply({ ...exported, email_lists: [{ name: 'oncall', emails: ['bob@example.com'] }] })).status).toBe(200);
    expect([await simulate('alice'), await simulate('bob')]).toEqual(['deny', 'allow']);

    // The plan of a members change decides Access policies with the new members, in its expectations and impact.
    const granted = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: { type: 'User', id: 'bob' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId } } });
    expect(granted.body.status).toBe('active');
    const back = {
      ...exported,
      email_lists: [{ name: 'oncall', emails: ['alice@example.com'] }],
      tests: [
        { name: 'alice is back', principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId }, expect: 'allow' },
        { name: 'bob is out', principal: { type: 'User', id: 'bob' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId }, expect: 'deny' },
      ],
    };
    const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: back });
    expect(planned.status).toBe(200);
    expect(planned.body.tests.map((r: { name: string; passed: boolean }) => [r.name, r.passed])).toEqual([['alice is back', true], ['bob is out', true]]);
    expect(planned.body.impact.active_denied.map((g: { grant_id: string }) => g.grant_id)).toEqual([granted.body.id]);
    const revoking = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/apply?on_impact=revoke', body: back, headers: { 'if-match': `"${planned.body.policy_set_version}"` } });
    expect(revoking.status).toBe(200);
    expect((await tenant.admin({ method: 'GET', url: `/v1/grants/${granted.body.id}` })).body.status).toBe('revoked');
    expect([await simulate('alice'), await simulate('bob')]).toEqual(['allow', 'deny']);
    expect((await apply({ ...exported, email_lists: [{ name: 'oncall', emails: ['bob@example.com'] }] })).status).toBe(200);

    const removed = await apply({ ...exported, email_lists: [] });
    expect(removed.status).toBe(409);
    expect(removed.body.details.access_policy_ids).toHaveLength(1);
    expect((await tenant.admin({ method: 'GET', url: `/v1/email-lists/${list.body.id}` })).body.emails).toEqual(['bob@example.com']);
    expect([await simulate('alice'), await simulate('bob')]).toEqual(['deny', 'allow']);
  });

  it('recompiles a policy that names an email list and an IP list with the list\'s new members and the stored IP items', async () => {
    const tenant = await createTenant(t);
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'ops', emails: ['alice@example.com'] } });
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: { type: 'User', id: 'bob' }, attrs: { email: 'bob@example.com' }, parents: [] }] })).status).toBe(200);
    const cf = (path: string, body: unknown) => tenant.admin({ method: 'POST', url: `/client/v4/accounts/${tenant.id}${path}`, body });
    const ipList = (await cf('/rules/lists', { name: 'office', kind: 'ip' })).body.result.id as string;
    expect((await cf(`/rules/lists/${ipList}/items`, [{ ip: '10.1.0.0/16' }])).status).toBe(200);
    const appId = (await cf('/access/apps', { name: 'vpn', domain: 'vpn.example.com', type: 'self_hosted' })).body.result.id as string;
    const policy = { name: 'ops from the office', decision: 'allow', include: [{ email_list: { id: list.body.id } }], require: [{ ip_list: { id: ipList } }] };
    expect((await cf(`/access/apps/${appId}/policies`, policy)).status).toBe(201);
    const bob = (ip: string) => ({ principal: { type: 'User', id: 'bob' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: appId }, context: { ip } });
    const exported = (await tenant.admin({ method: 'GET', url: '/v1/policy-bundles/current' })).body as Record<string, unknown>;
    const next = {
      ...exported,
      email_lists: [{ name: 'ops', emails: ['bob@example.com'] }],
      tests: [
        { name: 'bob from the office', ...bob('10.1.2.3'), expect: 'allow' },
        { name: 'bob from elsewhere', ...bob('192.0.2.1'), expect: 'deny' },
      ],
    };
    const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: next });
    expect(planned.status).toBe(200);
    expect(planned.body.tests.map((test: { passed: boolean }) => test.passed)).toEqual([true, true]);
  });

  it('refuses a bundle whose schema the Access policies do not conform to', async () => {
    const tenant = await createTenant(t);
    const cf = (path: string, body: unknown) => tenant.admin({ method: 'POST', url: `/client/v4/accounts/${tenant.id}${path}`, body });
    const appId = (await cf('/access/apps', { name: 'robots', domain: 'robots.example.com', type: 'self_hosted' })).body.result.id as string;
    expect((await cf(`/access/apps/${appId}/policies`, { name: 'any token', decision: 'non_identity', include: [{ any_valid_service_token: {} }] })).status).toBe(201);
    const exported = (await tenant.admin({ method: 'GET', url: '/v1/policy-bundles/current' })).body as Record<string, unknown>;
    const schema = 'entity User; entity App; action access appliesTo { principal: [User], resource: [App] };';
    const planned = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: { ...exported, schema } });
    expect(planned.status).toBe(400);
    expect(planned.body.message).toContain('Access policy "any token"');
    const withToken = 'entity User; entity ServiceToken; entity App; action access appliesTo { principal: [User, ServiceToken], resource: [App] };';
    expect((await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body: { ...exported, schema: withToken } })).status).toBe(200);
  });
});
