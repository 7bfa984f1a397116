import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };

describe('rules', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;
  let policyId: string;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
    policyId = (await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'rules', max_duration_seconds: 3600 } })).body.id;
  });

  const rules = (suffix = '') => `/v1/policies/${policyId}/rules${suffix}`;
  const policy = async () => (await tenant.admin({ method: 'GET', url: `/v1/policies/${policyId}` })).body;

  it('adds a rule from structured fields, with the next ordinal and audit_session true', async () => {
    const created = await tenant.admin({
      method: 'POST',
      url: rules(),
      body: { ...ANY, principal_scope_type: 'is_in', principal_entity_type: 'User', principal_entity_id: 'Group::"admins"', action_scope_type: 'in', action_ids: ['ssh', 'sudo'], conditions: 'context.duration_seconds <= 14400', notice: 'hi' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ordinal: 1, audit_session: true, conditions: 'when { context.duration_seconds <= 14400 }', notice: 'hi' });
    expect(created.body.policy_text).toBe(
      `@id("${created.body.id}")\npermit (\n  principal is User in Group::"admins",\n  action in [Action::"ssh", Action::"sudo"],\n  resource\n)\nwhen { context.duration_seconds <= 14400 };`,
    );
    const second = await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, audit_session: false } });
    expect(second.body).toMatchObject({ ordinal: 2, audit_session: false });
    const current = await policy();
    expect(current.rules.map((r: { id: string }) => r.id)).toEqual([created.body.id, second.body.id]);
    expect(current.cedar_policy_set).toBe(`${created.body.policy_text}\n\n${second.body.policy_text}`);
  });

  it('adds a rule from policy_text, which wins over structured fields', async () => {
    const created = await tenant.admin({
      method: 'POST',
      url: rules(),
      body: { ...ANY, policy_text: 'forbid(principal in Group::"contractors", action == Action::"sudo", resource is Host) unless { context.justification like "*INC-*" };', ordinal: 50 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ordinal: 50,
      effect: 'forbid',
      principal_scope_type: 'in',
      principal_entity_type: 'Group',
      principal_entity_id: 'contractors',
      action_scope_type: 'eq',
      action_ids: ['sudo'],
      resource_scope_type: 'is',
      resource_entity_type: 'Host',
      resource_entity_id: null,
      conditions: 'unless { context.justification like "*INC-*" }',
    });
    const twice = await tenant.admin({ method: 'POST', url: rules(), body: { policy_text: 'permit(principal, action, resource); forbid(principal, action, resource);' } });
    expect(twice.status).toBe(400);
    expect(Object.keys(twice.body.details.fields ?? {})).toContain('policy_text');
    expect(twice.body.notices[0]).toMatch(/exactly one/);
  });

  it('enforces the fields of each scope type and unique ordinals', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ANY, principal_scope_type: 'eq', principal_entity_type: 'User' }, 'principal_entity_id'],
      [{ ...ANY, resource_scope_type: 'in', resource_entity_id: 'prod' }, 'resource_entity_type'],
      [{ ...ANY, resource_scope_type: 'is' }, 'resource_entity_type'],
      [{ ...ANY, principal_scope_type: 'is_in', principal_entity_type: 'User', principal_entity_id: 'admins' }, 'principal_entity_id'],
      [{ ...ANY, action_scope_type: 'eq' }, 'action_ids'],
      [{ ...ANY, action_scope_type: 'eq', action_ids: ['a', 'b'] }, 'action_ids'],
      [{ ...ANY, principal_entity_type: 'User' }, 'principal_entity_type'],
    ];
    for (const [body, field] of cases) {
      const response = await tenant.admin({ method: 'POST', url: rules(), body });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.details.fields ?? {})).toContain(field);
    }
    const taken = await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, ordinal: 1 } });
    expect(taken.status).toBe(409);
  });

  it('rejects injection through conditions and neutralises it in ids', async () => {
    for (const conditions of ['} ; permit(principal, action, resource) when { true', 'when { true }; @id("x") permit(principal, action, resource);']) {
      const response = await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, effect: 'forbid', conditions } });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
      expect(response.body.notices.length).toBeGreaterThan(0);
    }
    const smuggled = await tenant.admin({ method: 'POST', url: rules(), body: { policy_text: '@id("other") permit(principal, action, resource);' } });
    expect(smuggled.status).toBe(400);
    const id = 'x", action, resource) when { true };\npermit(principal == User::"y';
    const quoted = await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: id } });
    expect(quoted.status).toBe(201);
    expect(quoted.body.principal_entity_id).toBe(id);
    expect(quoted.body.policy_text).toContain('principal == User::"x\\", action, resource) when { true };\\npermit(principal == User::\\"y"');
    const badType = await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, principal_scope_type: 'eq', principal_entity_type: 'User::"a"', principal_entity_id: 'b' } });
    expect(badType.status).toBe(400);
    await tenant.admin({ method: 'DELETE', url: rules(`/${quoted.body.id}`) });
  });

  it('patches a rule partially; a new scope type drops stale entity fields', async () => {
    const created = (await tenant.admin({ method: 'POST', url: rules(), body: { ...ANY, principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: 'alice', notice: 'n' } })).body;
    const patched = await tenant.admin({ method: 'PATCH', url: rules(`/${created.id}`), body: { effect: 'forbid', conditions: 'context.duration_seconds > 60' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ effect: 'forbid', principal_entity_id: 'alice', notice: 'n', conditions: 'when { context.duration_seconds > 60 }', ordinal: created.ordinal });
    expect(patched.body.policy_text).toMatch(/^@id\(.*\)\nforbid \(\n {2}principal == User::"alice",/);
    const scoped = await tenant.admin({ method: 'PATCH', url: rules(`/${created.id}`), body: { principal_scope_type: 'any', conditions: null } });
    expect(scoped.body).toMatchObject({ principal_scope_type: 'any', principal_entity_type: null, principal_entity_id: null, conditions: null });
    for (const field of ['effect', 'principal_scope_type', 'action_ids', 'audit_session']) {
      const refused = await tenant.admin({ method: 'PATCH', url: rules(`/${created.id}`), body: { [field]: null } });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body.details.fields)).toEqual([field]);
    }
    const clash = await tenant.admin({ method: 'PATCH', url: rules(`/${created.id}`), body: { ordinal: 1 } });
    expect(clash.status).toBe(409);
    const bad = await tenant.admin({ method: 'PATCH', url: rules(`/${created.id}`), body: { conditions: 'context.x ==' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.details.fields ?? {})).toContain('conditions');
    expect((await tenant.admin({ method: 'DELETE', url: rules(`/${created.id}`) })).status).toBe(204);
    expect((await tenant.admin({ method: 'DELETE', url: rules(`/${created.id}`) })).status).toBe(404);
  });

  it('reorders the rules and requires every id exactly once', async () => {
    const before = await policy();
    const reversed = [...before.rules].reverse().map((r: { id: string }) => r.id);
    const response = await tenant.admin({ method: 'PATCH', url: rules('/reorder'), body: { ids: reversed } });
    expect(response.status).toBe(200);
    expect(response.body.rules.map((r: { id: string }) => r.id)).toEqual(reversed);
    expect(response.body.rules.map((r: { ordinal: number }) => r.ordinal)).toEqual(reversed.map((_id, i) => i + 1));
    const partial = await tenant.admin({ method: 'PATCH', url: rules('/reorder'), body: { ids: reversed.slice(1) } });
    expect(partial.status).toBe(400);
    expect(Object.keys(partial.body.details.fields ?? {})).toContain('ids');
    const events = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?action=rule.reordered&target_id=${policyId}` });
    expect(events.body.data).toHaveLength(1);
  });

  it('answers 404 for another tenant\'s policy and rules', async () => {
    const ruleId = (await policy()).rules[0].id;
    for (const request of [
      { method: 'POST' as const, url: rules(), body: ANY },
      { method: 'PATCH' as const, url: rules(`/${ruleId}`), body: { notice: 'x' } },
      { method: 'DELETE' as const, url: rules(`/${ruleId}`) },
      { method: 'PATCH' as const, url: rules('/reorder'), body: { ids: [ruleId] } },
    ]) {
      const response = await other.admin(request);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    const theirs = (await other.admin({ method: 'POST', url: '/v1/policies', body: { name: 'theirs', max_duration_seconds: 60 } })).body.id;
    expect((await tenant.admin({ method: 'PATCH', url: `/v1/policies/${theirs}/rules/${ruleId}`, body: { notice: 'x' } })).status).toBe(404);
    expect((await tenant.admin({ method: 'PATCH', url: rules(`/${ruleId}`), body: { notice: 'still mine' } })).status).toBe(200);
    expect((await tenant.as('auditor')({ method: 'POST', url: rules(), body: ANY })).status).toBe(403);
  });
});
