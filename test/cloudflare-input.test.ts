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
    ['missing include', '/access/groups', { name: 'x' }, '/include'],
    ['unknown field', '/access/groups', { name: 'x', include: [{ everyone: {} }], admin: true }, '/admin'],
    ['a body that is not an object', '/access/groups', ['x'], '/'],
    ['a day as a duration', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], session_duration: '1d' }, '/session_duration'],
    ['a sub-second duration', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], session_duration: '1500ms' }, '/session_duration'],
    ['an unknown decision', '/access/policies', { name: 'x', decision: 'maybe', include: [{ everyone: {} }] }, '/decision'],
    ['an unknown approval list', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], approval_required: true, approval_groups: [{ approvals_needed: 1, email_list_uuid: '6b3a2c1d-0000-4000-8000-000000000000' }] }, '/approval_groups/0/email_list_uuid'],
    ['a bad authenticator', '/access/policies', { name: 'x', decision: 'allow', include: [{ everyone: {} }], mfa_config: { allowed_authenticators: ['sms'] } }, '/mfa_config/allowed_authenticators'],
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
});
