import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

/** Bad input on the Cloudflare routes (PRODUCT.md sections 13 and 15): 4xx in the envelope, pointers, nothing half-written. */
describe('Cloudflare Access API: credentials, bad input and list changes', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });
  let tenant: TestTenant;
  let other: TestTenant;
  const cf = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => tenant.admin({ method, url: `/client/v4/accounts/${tenant.id}${path}`, body });
  const count = async (path: string) => (await cf('GET', `${path}?per_page=1000`)).body.result.length as number;

  beforeAll(async () => {
    tenant = await createTenant(t, 'cf-input');
    other = await createTenant(t, 'cf-other');
    const entity = { uid: { type: 'User', id: 'alice' }, attrs: { email: 'alice@example.com' }, parents: [] };
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [entity] })).status).toBe(200);
  });

  it('takes X-API-Key (with or without X-Tenant-ID) and Bearer keys, and refuses another tenant in the path', async () => {
    const path = `/client/v4/accounts/${tenant.id}/access/groups`;
    expect((await t.request({ method: 'GET', url: path, headers: { authorization: `Bearer ${tenant.keys.auditor}` } })).status).toBe(200);
    expect((await t.request({ method: 'GET', url: path, headers: { 'x-api-key': tenant.keys.admin } })).body).toMatchObject({ success: true, result: [], result_info: { page: 1, per_page: 25, count: 0, total_count: 0 } });
    const foreign = await t.request({ method: 'GET', url: `/client/v4/zones/${other.id}/access/apps/${other.id}/policies`, headers: { authorization: `Bearer ${tenant.keys.admin}` } });
    expect(foreign).toMatchObject({ status: 403, body: { success: false, errors: [{ code: 10002 }], result: null } });
    const none = await t.request({ method: 'GET', url: path });
    expect(none).toMatchObject({ status: 401, body: { success: false, errors: [{ code: 10000 }] } });
    expect((await t.request({ method: 'GET', url: '/v1/policies', headers: { authorization: `Bearer ${tenant.keys.admin}`, 'x-tenant-id': tenant.id } })).status).toBe(401);
    expect((await t.request({ method: 'GET', url: `${path}?page=0` })).status).toBe(401);
    const badPage = await tenant.admin({ method: 'GET', url: `${path}?per_page=abc` });
    expect(badPage).toMatchObject({ status: 400, body: { errors: [{ source: { pointer: '/per_page' } }] } });
    const pastEnd = await tenant.admin({ method: 'GET', url: `${path}?page=9` });
    expect(pastEnd.body).toMatchObject({ success: true, result: [] });
  });

  it.each([
    ['group with a quote in an email', '/access/groups', { name: 'x', include: [{ email: { email: 'a"b@example.com' } }] }, '/include/0/email/email'],
    ['unknown selector type', '/access/groups', { name: 'x', include: [{ everyone_but_me: {} }] }, '/include/0/everyone_but_me'],
    ['bad CIDR', '/access/groups', { name: 'x', include: [{ ip: { ip: '10.0.0.0/33' } }] }, '/include/0/ip/ip'],
    ['wildcard domain', '/access/groups', { name: 'x', include: [{ email_domain: { domain: '*.example.com' } }] }, '/include/0/email_domain/domain'],
    ['Cedar in a domain', '/access/groups', { name: 'x', include: [{ email_domain: { domain: 'a.com" || true || "' } }] }, '/include/0/email_domain/domain'],
    ['external evaluation', '/access/groups', { name: 'x', include: [{ external_evaluation: { evaluate_url: 'https://e', keys_url: 'https://k' } }] }, '/include/0/external_evaluation'],
    ['unknown group', '/access/groups', { name: 'x', include: [{ group: { id: '6b3a2c1d-0000-4000-8000-000000000000' } }] }, '/include/0/group/id'],
    ['unknown email list', '/access/groups', { name: 'x', include: [{ email_list: { id: '6b3a2c1d-0000-4000-8000-000000000000' } }] }, '/include/0/email_list/id'],
    ['unknown IP list', '/access/groups', { name: 'x', include: [{ ip_list: { id: '6b3a2c1d-0000-4000-8000-000000000000' } }] }, '/include/0/ip_list/id'],
    ['an IP list id that is not a UUID', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], exclude: [{ ip_list: { id: '2c0fc9fa937b11eaa1b71c4d701ab86e" || true' } }] }, '/exclude/0/ip_list/id'],
    ['a list of another kind', '/rules/lists', { name: 'hosts', kind: 'hostname' }, '/kind'],
    ['a list name with Cedar in it', '/rules/lists', { name: 'x" || true || "', kind: 'ip' }, '/name'],
    ['missing include', '/access/groups', { name: 'x' }, '/include'],
    ['unknown field', '/access/groups', { name: 'x', include: [{ everyone: {} }], admin: true }, '/admin'],
    ['a body that is not an object', '/access/groups', ['x'], '/'],
    ['a day as a duration', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], session_duration: '1d' }, '/session_duration'],
    ['a sub-second duration', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], session_duration: '1500ms' }, '/session_duration'],
    ['an unknown decision', '/access/policies', { name: 'x', decision: 'maybe', include: [{ everyone: {} }] }, '/decision'],
    ['an unknown approval list', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], approval_required: true, approval_groups: [{ approvals_needed: 1, email_list_uuid: '6b3a2c1d-0000-4000-8000-000000000000' }] }, '/approval_groups/0/email_list_uuid'],
    ['a bad authenticator', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], mfa_config: { allowed_authenticators: ['sms'] } }, '/mfa_config/allowed_authenticators'],
    ['isolation on a policy (no browser isolation here)', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], isolation_required: true }, '/isolation_required'],
    ['isolation on an application', '/access/apps', { name: 'x', domain: 'x.example.com', isolation_required: true }, '/isolation_required'],
    ['a wildcard app domain', '/access/apps', { name: 'x', domain: '*.example.com', type: 'self_hosted' }, '/domain'],
    ['an unknown app type', '/access/apps', { name: 'x', domain: 'x.example.com', type: 'mainframe' }, '/type'],
    ['an unknown policy on an app', '/access/apps', { name: 'x', domain: 'x.example.com', policies: ['6b3a2c1d-0000-4000-8000-000000000000'] }, '/policies/0/id'],
  ])('refuses %s with 400 at its pointer and writes nothing', async (_name, path, body, pointer) => {
    const before = await count(path);
    const response = await cf('POST', path, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, result: null, messages: [] });
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 1001, source: { pointer } })]));
    expect(await count(path)).toBe(before);
  });

  it('refuses a duplicate precedence with 409 and x-should-retry: false, and exclusive policy kinds', async () => {
    const app = (await cf('POST', '/access/apps', { name: 'dup', domain: 'dup.example.com' })).body.result.id as string;
    expect((await cf('POST', `/access/apps/${app}/policies`, { name: 'a', decision: 'allow', include: [{ everyone: {} }], precedence: 7 })).status).toBe(201);
    const dup = await cf('POST', `/access/apps/${app}/policies`, { name: 'b', decision: 'allow', include: [{ everyone: {} }], precedence: 7 });
    expect(dup.status).toBe(409);
    expect(dup.headers['x-should-retry']).toBe('false');
    expect(dup.body.errors[0].source.pointer).toBe('/precedence');
    expect((await cf('GET', `/access/apps/${app}/policies`)).body.result).toHaveLength(1);
    const reusable = (await cf('POST', '/access/policies', { name: 'r', decision: 'allow', include: [{ everyone: {} }] })).body.result.id as string;
    const mixed = await cf('PUT', `/access/apps/${app}`, { name: 'dup', domain: 'dup.example.com', policies: [reusable] });
    expect(mixed.status).toBe(409);
    const other = (await cf('POST', '/access/policies', { name: 'r2', decision: 'allow', include: [{ everyone: {} }] })).body.result.id as string;
    const before = await count('/access/apps');
    const repeated = await cf('POST', '/access/apps', { name: 'rep', domain: 'rep.example.com', policies: [{ id: reusable, precedence: 1 }, { id: other, precedence: 1 }] });
    expect(repeated).toMatchObject({ status: 409, body: { errors: [{ source: { pointer: '/policies/1/precedence' } }] } });
    expect(await count('/access/apps')).toBe(before);
  });

  it('stores hostile names verbatim; make_reusable takes an empty JSON request', async () => {
    const name = '"); permit(principal, action, resource); // ||true||';
    const app = (await cf('POST', '/access/apps', { name, domain: 'h.example.com' })).body.result;
    expect(app.name).toBe(name);
    const policy = (await cf('POST', `/access/apps/${app.id}/policies`, { name, decision: 'deny', include: [{ email: { email: 'alice@example.com' } }] })).body.result;
    expect(policy.cedar_policy_set).not.toContain(name);
    const made = await tenant.admin({ method: 'PUT', url: `/client/v4/accounts/${tenant.id}/access/apps/${app.id}/policies/${policy.id}/make_reusable`, headers: { 'content-type': 'application/json' } });
    expect(made).toMatchObject({ status: 200, body: { success: true, result: { id: policy.id, reusable: true } } });
  });

  it('recompiles Access policies when an email list they inline changes, and keeps the list from being deleted', async () => {
    const list = (await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'vip', emails: ['alice@example.com'] } })).body;
    const app = (await cf('POST', '/access/apps', { name: 'vip', domain: 'vip.example.com' })).body.result.id as string;
    expect((await cf('POST', `/access/apps/${app}/policies`, { name: 'vip', decision: 'allow', include: [{ email_list: { id: list.id } }] })).status).toBe(201);
    const simulate = async () =>
      (await tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: app } } })).body.decision;
    expect(await simulate()).toBe('allow');
    expect((await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${list.id}`, body: { emails: ['bob@example.com'] } })).status).toBe(200);
    expect(await simulate()).toBe('deny');
    expect((await tenant.admin({ method: 'DELETE', url: `/v1/email-lists/${list.id}` })).status).toBe(409);
  });

  it('names what still uses an IP list, a group or a reusable policy in the 409 that refuses its deletion', async () => {
    const list = (await cf('POST', '/rules/lists', { name: 'in_use', kind: 'ip' })).body.result.id as string;
    const group = (await cf('POST', '/access/groups', { name: 'in use', include: [{ ip_list: { id: list } }] })).body.result.id as string;
    const parent = (await cf('POST', '/access/groups', { name: 'parent', include: [{ group: { id: group } }] })).body.result.id as string;
    const policy = (await cf('POST', '/access/policies', { name: 'in use', decision: 'allow', include: [{ ip_list: { id: list } }] })).body.result.id as string;
    const app = (await cf('POST', '/access/apps', { name: 'in use', domain: 'in-use.example.com', policies: [policy] })).body.result.id as string;
    const listGone = await cf('DELETE', `/rules/lists/${list}`);
    expect(listGone).toMatchObject({ status: 409, body: { errors: [{ code: 1005, message: `The IP list is used by Access policies or groups (policy_ids: ${policy}; group_ids: ${group})` }] } });
    const groupGone = await cf('DELETE', `/access/groups/${group}`);
    expect(groupGone).toMatchObject({ status: 409, body: { errors: [{ message: `The Access group is used by policies or other groups (group_ids: ${parent})` }] } });
    const policyGone = await cf('DELETE', `/access/policies/${policy}`);
    expect(policyGone).toMatchObject({ status: 409, body: { errors: [{ message: `The policy is applied to applications (app_ids: ${app})` }] } });
  });

  it('checks IP list items: hostile CIDRs at their pointers, nothing half-written, the cap, unknown items', async () => {
    const list = (await cf('POST', '/rules/lists', { name: 'hostile', kind: 'ip' })).body.result.id as string;
    const items = async () => (await cf('GET', `/rules/lists/${list}/items?per_page=500`)).body.result.map((i: { ip: string }) => i.ip) as string[];
    expect((await cf('POST', `/rules/lists/${list}/items`, [{ ip: '::ffff:10.0.0.1' }, { ip: '10.0.0.1' }, { ip: '192.0.2.0/24', comment: 'x" || true' }])).status).toBe(200);
    expect(await items()).toEqual(['10.0.0.1', '192.0.2.0/24']);
    const hostile = await cf('POST', `/rules/lists/${list}/items`, [{ ip: '1.2.3.4/33' }, { ip: '0.0.0.0/0' }, { ip: '10.9.9.9/8' }, { ip: '10.0.0.0/8" || true || "' }, { ip: 'ip("0.0.0.0/0")' }, { ip: '10.1.0.0/16' }, { asn: 1 }]);
    expect(hostile.status).toBe(400);
    expect(hostile.body.errors.map((e: { source: { pointer: string } }) => e.source.pointer)).toEqual(['/0/ip', '/1/ip', '/2/ip', '/3/ip', '/4/ip', '/6/asn', '/6/ip']);
    expect(await items()).toEqual(['10.0.0.1', '192.0.2.0/24']);
    const many = Array.from({ length: 999 }, (_, i) => ({ ip: `10.${(i >> 8) + 10}.${i & 255}.0/24` }));
    const full = await cf('POST', `/rules/lists/${list}/items`, many);
    expect(full).toMatchObject({ status: 400, body: { errors: [{ source: { pointer: '/' }, message: expect.stringContaining('would hold 1001 items') }] } });
    expect(await items()).toHaveLength(2);
    expect((await cf('PUT', `/rules/lists/${list}/items`, many)).status).toBe(200);
    expect((await cf('GET', `/rules/lists/${list}`)).body.result.num_items).toBe(999);
    const gone = await tenant.admin({ method: 'DELETE', url: `/client/v4/accounts/${tenant.id}/rules/lists/${list}/items`, body: { items: [{ id: '6b3a2c1d-0000-4000-8000-000000000000' }] } });
    expect(gone).toMatchObject({ status: 400, body: { errors: [{ source: { pointer: '/items/0/id' } }] } });
    expect((await cf('GET', `/rules/lists/${list}/items?cursor=not-ours`)).status).toBe(400);
    expect((await cf('GET', `/rules/lists/bulk_operations/6b3a2c1d-0000-4000-8000-000000000000`)).status).toBe(404);
    const foreign = await t.request({ method: 'GET', url: `/client/v4/accounts/${other.id}/rules/lists/${list}`, headers: { authorization: `Bearer ${tenant.keys.admin}` } });
    expect(foreign.status).toBe(403);
    expect((await other.admin({ method: 'GET', url: `/client/v4/accounts/${other.id}/rules/lists/${list}` })).status).toBe(404);
    expect((await tenant.as('auditor')({ method: 'POST', url: `/client/v4/accounts/${tenant.id}/rules/lists/${list}/items`, body: [{ ip: '10.0.0.2' }] })).status).toBe(403);
  });

  it('refuses Access policies and groups that do not conform to the tenant\'s Cedar schema, and a schema they violate', async () => {
    const own = await createTenant(t, 'cf-schema');
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => own.admin({ method, url: `/client/v4/accounts/${own.id}${path}`, body });
    const app = (await call('POST', '/access/apps', { name: 'typed', domain: 'typed.example.com' })).body.result.id as string;
    const robots = (await call('POST', `/access/apps/${app}/policies`, { name: 'robots', decision: 'non_identity', include: [{ any_valid_service_token: {} }] })).body.result.id as string;
    const schema = 'entity User { email?: String }; entity App; action access appliesTo { principal: [User], resource: [App], context: { ip?: String } };';
    const violated = await own.admin({ method: 'PUT', url: '/v1/schema', body: { schema } });
    expect(violated.status).toBe(409);
    expect(violated.body.details.rules).toEqual([expect.objectContaining({ policy_id: robots })]);
    expect((await call('DELETE', `/access/apps/${app}/policies/${robots}`)).status).toBe(200);
    expect((await own.admin({ method: 'PUT', url: '/v1/schema', body: { schema } })).status).toBe(200);

    const fine = await call('POST', `/access/apps/${app}/policies`, { name: 'staff', decision: 'allow', include: [{ email_domain: { domain: 'example.com' } }], exclude: [{ ip: { ip: '203.0.113.0/24' } }] });
    expect(fine.status).toBe(201);
    const idp = await call('POST', `/access/apps/${app}/policies`, { name: 'eng', decision: 'allow', include: [{ email: { email: 'a@example.com' } }, { okta: { name: 'eng', identity_provider_id: 'okta' } }] });
    expect(idp).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ code: 1001, source: { pointer: '/include/1' }, message: expect.stringMatching(/IdpGroup/) })] } });
    const reusable = await call('POST', '/access/policies', { name: 'tokens', decision: 'non_identity', include: [{ any_valid_service_token: {} }] });
    expect(reusable.status).toBe(400);
    expect((await call('GET', '/access/policies')).body.result).toHaveLength(0);

    const group = await call('POST', '/access/groups', { name: 'staff', include: [{ email_domain: { domain: 'example.com' } }] });
    expect(group.status).toBe(201);
    await call('PUT', `/access/apps/${app}/policies/${fine.body.result.id}`, { name: 'staff', decision: 'allow', include: [{ group: { id: group.body.result.id } }] });
    const typo = await call('PUT', `/access/groups/${group.body.result.id}`, { name: 'staff', include: [{ everyone: {} }], require: [{ okta: { name: 'eng', identity_provider_id: 'okta' } }] });
    expect(typo).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ source: { pointer: '/require/0' } })] } });
    expect((await call('GET', `/access/groups/${group.body.result.id}`)).body.result.include).toEqual([{ email_domain: { domain: 'example.com' } }]);
    expect((await call('POST', '/access/groups', { name: 'idp', include: [{ saml: { attribute_name: 'groups', attribute_value: 'x', identity_provider_id: 'y' } }] })).status).toBe(400);
  });
});
