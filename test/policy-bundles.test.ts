import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { waitFor } from './support/grants';
import { startReceiver } from './support/notifications';

const SECRET = 'w'.repeat(40);
const alice = { type: 'User', id: 'alice' };
const bob = { type: 'User', id: 'bob' };
const ssh = { type: 'Action', id: 'ssh' };
const db = { type: 'Host', id: 'db' };

const permit = (principal: string, extra: Record<string, unknown> = {}) => ({
  effect: 'permit',
  principal_scope_type: 'eq',
  principal_entity_type: 'User',
  principal_entity_id: principal,
  action_scope_type: 'eq',
  action_ids: ['ssh'],
  resource_scope_type: 'any',
  ...extra,
});

function bundle(overrides: Record<string, unknown> = {}, policies?: unknown[]) {
  return {
    version: 1,
    email_lists: [{ name: 'oncall', emails: ['carol@example.com', 'dave@example.com'] }],
    notification_channels: [] as unknown[],
    policies: policies ?? [
      { name: 'alice ssh', max_duration_seconds: 3600, rules: [permit('alice', { notice: 'alice may' })] },
      {
        name: 'bob ssh',
        max_duration_seconds: 3600,
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_list: 'oncall' }],
        rules: [permit('bob')],
      },
    ],
    tests: [
      { name: 'alice is allowed', principal: alice, action: ssh, resource: db, expect: 'allow', policy: 'alice ssh' },
      { name: 'bob needs approval', principal: bob, action: ssh, resource: db, expect: 'approval_required' },
      { name: 'eve is denied', principal: { type: 'User', id: 'eve' }, action: ssh, resource: db, expect: 'deny' },
    ],
    ...overrides,
  };
}

describe('policy bundles', () => {
  const t = useTestApp();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());

  const plan = (tenant: TestTenant, body: unknown) => tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', body });
  const apply = (tenant: TestTenant, body: unknown, version: number | string | null, onImpact?: string) =>
    tenant.admin({
      method: 'POST',
      url: `/v1/policy-bundles/apply${onImpact ? `?on_impact=${onImpact}` : ''}`,
      body,
      headers: version === null ? {} : { 'if-match': `"${version}"` },
    });
  const current = (tenant: TestTenant) => tenant.admin({ method: 'GET', url: '/v1/policy-bundles/current' });
  const auditCount = async (tenant: TestTenant) => (await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?limit=500' })).body.data.length as number;

  it('plans without storing anything: expectations, diff by name, version', async () => {
    const tenant = await createTenant(t);
    const before = await auditCount(tenant);
    const response = await plan(tenant, bundle());
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    expect(response.body.tests.map((r: { name: string; passed: boolean }) => [r.name, r.passed])).toEqual([
      ['alice is allowed', true],
      ['bob needs approval', true],
      ['eve is denied', true],
    ]);
    expect(response.body.tests[0]).toMatchObject({ decision: 'allow', approval_required: false, policy: 'alice ssh', notices: ['alice may'] });
    expect(response.body.diff.added).toEqual([
      { kind: 'policy', name: 'alice ssh' },
      { kind: 'policy', name: 'bob ssh' },
      { kind: 'email_list', name: 'oncall' },
    ]);
    expect(response.body.diff.changed).toEqual([]);
    expect((await tenant.admin({ method: 'GET', url: '/v1/policies' })).body.data).toEqual([]);
    expect(await auditCount(tenant)).toBe(before);

    const failing = await plan(tenant, bundle({ tests: [{ name: 'eve allowed', principal: { type: 'User', id: 'eve' }, action: ssh, resource: db, expect: 'allow' }] }));
    expect(failing.body.valid).toBe(false);
    expect(failing.body.tests[0]).toMatchObject({ passed: false, decision: 'deny' });
  });

  it('applies with If-Match only, in one transaction with audit events, and refuses failing expectations and stale versions', async () => {
    const tenant = await createTenant(t);
    const planned = await plan(tenant, bundle());
    expect((await apply(tenant, bundle(), null)).status).toBe(400);
    expect((await apply(tenant, bundle(), planned.body.policy_set_version + 5)).status).toBe(409);
    const failing = await apply(tenant, bundle({ tests: [{ name: 'eve allowed', principal: { type: 'User', id: 'eve' }, action: ssh, resource: db, expect: 'allow' }] }), planned.body.policy_set_version);
    expect(failing.status).toBe(400);
    expect(failing.body.code).toBe('invalid_input');
    expect(failing.body.details.failed_tests[0].name).toBe('eve allowed');
    expect((await tenant.admin({ method: 'GET', url: '/v1/policies' })).body.data).toEqual([]);

    const applied = await apply(tenant, bundle(), planned.body.policy_set_version);
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(true);
    expect(applied.body.policy_set_version).toBeGreaterThan(planned.body.policy_set_version);
    const policies = (await tenant.admin({ method: 'GET', url: '/v1/policies' })).body.data as { name: string; approval_groups: { email_list_uuid: string }[] }[];
    expect(policies.map((p) => p.name).sort()).toEqual(['alice ssh', 'bob ssh']);
    const lists = (await tenant.admin({ method: 'GET', url: '/v1/email-lists' })).body.data as { id: string }[];
    expect(policies.find((p) => p.name === 'bob ssh')?.approval_groups[0].email_list_uuid).toBe(lists[0].id);
    const events = (await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?limit=500' })).body.data as { action: string }[];
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['policy.created', 'email_list.created', 'policy_bundle.applied']));
    const grant = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: alice, action: ssh, resource: db, duration_seconds: 600 } });
    expect(grant.body.status).toBe('active');

    const stale = await apply(tenant, bundle(), planned.body.policy_set_version);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
  });

  it('lets exactly one of two concurrent applies at the same version through', async () => {
    const tenant = await createTenant(t);
    const { policy_set_version: version } = (await plan(tenant, bundle())).body;
    const other = bundle({}, [{ name: 'alice ssh', max_duration_seconds: 7200, rules: [permit('alice', { notice: 'alice may' })] }]);
    const answers = await Promise.all([apply(tenant, bundle({ tests: [] }), version), apply(tenant, { ...other, tests: [] }, version)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });

  it('exports the live state so that applying the export changes nothing and writes no audit event', async () => {
    const tenant = await createTenant(t);
    const withAll = bundle({
      notification_channels: [{ name: 'hooks', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } }],
      entities: [{ uid: alice, attrs: { team: 'db' }, parents: [{ type: 'Group', id: 'dba' }] }, { uid: { type: 'Group', id: 'dba' } }],
    });
    (withAll.policies[0] as Record<string, unknown>).notification_channel = 'hooks';
    const { policy_set_version: v0 } = (await plan(tenant, withAll)).body;
    expect((await apply(tenant, withAll, v0)).status).toBe(200);

    const exported = await current(tenant);
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(SECRET);
    expect(exported.body.notification_channels[0]).toEqual({ name: 'hooks', type: 'webhook', config: { url: `${receiver.url}/hook` }, event_filters: expect.any(Array) });
    const etag = String(exported.headers.etag).replace(/"/g, '');
    const events = await auditCount(tenant);
    const again = await apply(tenant, exported.body, etag);
    expect(again.status).toBe(200);
    expect(again.body.diff).toEqual({ added: [], changed: [], removed: [] });
    expect(String(again.body.policy_set_version)).toBe(etag);
    expect(await auditCount(tenant)).toBe(events);
    expect((await current(tenant)).body).toEqual(exported.body);

    const changed = JSON.parse(JSON.stringify(exported.body)) as { policies: Record<string, unknown>[] };
    changed.policies[0].max_duration_seconds = 1800;
    changed.policies.pop();
    const diff = (await plan(tenant, changed)).body.diff;
    expect(diff.changed).toEqual([{ kind: 'policy', name: 'alice ssh', fields: ['max_duration_seconds'] }]);
    expect(diff.removed).toEqual([{ kind: 'policy', name: 'bob ssh' }]);
  });

  it('shows the impact on active grants and pending requests, keeps them with keep and ends them with revoke', async () => {
    const tenant = await createTenant(t);
    const first = bundle({ notification_channels: [{ name: 'hooks', type: 'webhook', config: { url: `${receiver.url}/impact`, secret: SECRET } }] });
    (first.policies[0] as Record<string, unknown>).notification_channel = 'hooks';
    expect((await apply(tenant, first, (await plan(tenant, first)).body.policy_set_version)).status).toBe(200);
    const requester = tenant.as('requester');
    const active = (await requester({ method: 'POST', url: '/v1/grants', body: { principal: alice, action: ssh, resource: db, duration_seconds: 600 } })).body;
    const pending = (await requester({ method: 'POST', url: '/v1/grants', body: { principal: bob, action: ssh, resource: db, duration_seconds: 600 } })).body;
    expect([active.status, pending.status]).toEqual(['active', 'pending_approval']);

    const closing = JSON.parse(JSON.stringify(first)) as ReturnType<typeof bundle>;
    closing.tests = [];
    (closing.policies[0] as { rules: unknown[] }).rules.push({ effect: 'forbid', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'eq', resource_entity_type: 'Host', resource_entity_id: 'db', notice: 'db is frozen' });
    const planned = await plan(tenant, closing);
    expect(planned.body.impact.active_denied).toEqual([
      { grant_id: active.id, principal: alice, action: ssh, resource: db, determining_rule_ids: [expect.stringMatching(/^bundle:\/policies\/0\/rules\/1$/)], notices: ['db is frozen'] },
    ]);
    expect(planned.body.impact.pending_denied.map((g: { grant_id: string }) => g.grant_id)).toEqual([pending.id]);

    const rerouting = JSON.parse(JSON.stringify(first)) as ReturnType<typeof bundle>;
    rerouting.tests = [];
    (rerouting.policies[1] as Record<string, unknown>).approval_groups = [{ approvals_needed: 1, email_addresses: ['erin@example.com'] }];
    expect((await plan(tenant, rerouting)).body.impact.pending_rerouted).toEqual([{ grant_id: pending.id, approval_groups: [{ approvals_needed: 1, members: ['erin@example.com'] }] }]);

    const kept = await apply(tenant, closing, planned.body.policy_set_version, 'keep');
    expect(kept.status).toBe(200);
    expect((await requester({ method: 'GET', url: `/v1/grants/${active.id}` })).body.status).toBe('active');
    expect((await requester({ method: 'GET', url: `/v1/grants/${pending.id}` })).body.status).toBe('pending_approval');

    const stricter = JSON.parse(JSON.stringify(closing)) as ReturnType<typeof bundle>;
    (stricter.policies[0] as { rules: { notice?: string }[] }).rules[1].notice = 'db is frozen for good';
    const replanned = await plan(tenant, stricter);
    expect(replanned.body.impact.active_denied[0].grant_id).toBe(active.id);
    const revoked = await apply(tenant, stricter, replanned.body.policy_set_version, 'revoke');
    expect(revoked.status).toBe(200);
    const grant = (await requester({ method: 'GET', url: `/v1/grants/${active.id}` })).body;
    expect(grant).toMatchObject({ status: 'revoked', ended_reason: 'policy changed' });
    expect((await requester({ method: 'GET', url: `/v1/grants/${pending.id}` })).body).toMatchObject({ status: 'denied', ended_reason: 'policy changed' });
    const check = await tenant.as('requester')({ method: 'POST', url: '/v1/access/check', body: { principal: alice, action: ssh, resource: db } });
    expect(check.body.allowed).toBe(false);
    const hit = await waitFor(
      async () => receiver.hits.filter((h) => h.path === '/impact').map((h) => JSON.parse(h.body) as { type?: string; event?: string }),
      (bodies) => bodies.some((b) => JSON.stringify(b).includes('grant.revoked')),
    );
    expect(JSON.stringify(hit)).toContain(active.id);
  });

  it('refuses hostile bundles with the JSON pointer of the offending value', async () => {
    const tenant = await createTenant(t);
    const fieldsOf = async (body: unknown) => {
      const response = await plan(tenant, body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
      return Object.keys(response.body.details.fields as Record<string, string[]>);
    };
    expect(await fieldsOf({ ...bundle(), extra: 1 })).toEqual(['/extra']);
    const unknownField = bundle();
    (unknownField.policies[0] as Record<string, unknown>).owner = 'me';
    expect(await fieldsOf(unknownField)).toEqual(['/policies/0/owner']);
    const duplicate = bundle();
    (duplicate.policies[1] as Record<string, unknown>).name = 'alice ssh';
    expect(await fieldsOf(duplicate)).toEqual(['/policies/1/name']);
    const injection = bundle({}, [{ name: 'p', max_duration_seconds: 60, rules: [permit('alice', { conditions: 'when { true }; permit(principal, action, resource) when { true }' })] }]);
    expect(await fieldsOf(injection)).toEqual(['/policies/0/rules/0/conditions']);
    const idInjection = bundle({}, [{ name: 'p', max_duration_seconds: 60, rules: [permit('alice"); permit(principal, action, resource); //')] }]);
    const idAnswer = await plan(tenant, idInjection);
    expect(idAnswer.status).toBe(200);
    expect(idAnswer.body.tests[2]).toMatchObject({ name: 'eve is denied', decision: 'deny', passed: true });
    expect(await fieldsOf(bundle({ email_lists: [{ name: 'oncall', emails: ['not an email'] }] }))).toEqual(['/email_lists/0/emails']);
    const missingList = bundle();
    (missingList.policies[1] as { approval_groups: Record<string, unknown>[] }).approval_groups[0].email_list = 'nobody';
    expect(await fieldsOf(missingList)).toEqual(['/policies/1/approval_groups/0/email_list']);
    expect(await fieldsOf({ ...bundle(), tests: [{ name: 'x', principal: alice, action: ssh, resource: db, expect: 'maybe' }] })).toEqual(['/tests/0/expect']);

    const huge = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', payload: JSON.stringify({ version: 1, policies: [], pad: 'x'.repeat(t.config.bodyLimitBytes) }), headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
  });

  it('takes YAML bodies and refuses alias bombs', async () => {
    const tenant = await createTenant(t);
    const yaml = [
      'version: 1',
      'policies:',
      '  - name: alice ssh',
      '    max_duration_seconds: 3600',
      '    rules:',
      '      - {effect: permit, principal_scope_type: eq, principal_entity_type: User, principal_entity_id: alice, action_scope_type: any, resource_scope_type: any}',
      'tests:',
      '  - {name: alice, principal: {type: User, id: alice}, action: {type: Action, id: ssh}, resource: {type: Host, id: db}, expect: allow}',
    ].join('\n');
    const response = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', payload: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 200 }, (_, i) => `k${i}: &k${i} [*${i === 0 ? 'a' : `k${i - 1}`}, *${i === 0 ? 'a' : `k${i - 1}`}]`)].join('\n');
    const refused = await tenant.admin({ method: 'POST', url: '/v1/policy-bundles/plan', payload: bomb, headers: { 'content-type': 'application/yaml' } });
    expect(refused.status).toBe(400);
    expect((await tenant.admin({ method: 'POST', url: '/v1/policies', payload: yaml, headers: { 'content-type': 'application/yaml' } })).status).toBe(415);
  });
});
