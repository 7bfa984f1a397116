import { Client } from 'pg';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
const alice = { type: 'User', id: 'alice' };
const ssh = { type: 'Action', id: 'ssh' };
const db = { type: 'Host', id: 'db' };

describe('simulate', () => {
  const t = useTestApp();

  const policy = (tenant: TestTenant, body: Record<string, unknown>) =>
    tenant.admin({ method: 'POST', url: '/v1/policies', body: { max_duration_seconds: 3600, ...body } }).then((r) => {
      expect(r.status).toBe(201);
      return r.body;
    });
  const simulate = (tenant: TestTenant, body: Record<string, unknown> = {}, role: 'admin' | 'requester' | 'auditor' = 'requester') =>
    tenant.as(role)({ method: 'POST', url: '/v1/policies/simulate', body: { principal: alice, action: ssh, resource: db, ...body } });

  it('allows on a permit and answers the governing policy, duration and approval', async () => {
    const tenant = await createTenant(t);
    const p = await policy(tenant, { name: 'ssh', default_duration_seconds: 900, rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['ssh'], notice: 'be careful' }] });
    const response = await simulate(tenant);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      decision: 'allow',
      policy_id: p.id,
      determining_rule_ids: [p.rules[0].id],
      notices: ['be careful'],
      duration_seconds: 900,
      approval_required: false,
      evaluation_errors: [],
      purpose_justification_required: false,
      purpose_justification_prompt: null,
      max_duration_seconds: 3600,
      default_duration_seconds: 900,
      approval_groups: [],
    });
    expect((await simulate(tenant, { duration_seconds: 120 })).body.duration_seconds).toBe(120);
    const over = await simulate(tenant, { duration_seconds: 3601 });
    expect(over.status).toBe(400);
    expect(over.body.details.max_duration_seconds).toBe(3600);
    expect((await simulate(tenant, { action: { type: 'Action', id: 'rdp' } })).body).toEqual({
      decision: 'deny',
      policy_id: null,
      determining_rule_ids: [],
      notices: [],
      duration_seconds: null,
      approval_required: false,
      evaluation_errors: [],
      purpose_justification_required: false,
      purpose_justification_prompt: null,
      max_duration_seconds: null,
      default_duration_seconds: null,
      approval_groups: [],
    });
    expect((await simulate(tenant, {}, 'auditor')).status).toBe(200);
    expect((await tenant.as('approver')({ method: 'POST', url: '/v1/policies/simulate', body: { principal: alice, action: ssh, resource: db } })).status).toBe(403);
  });

  it('lets a forbid override a permit of the same priority and answers its notice', async () => {
    const tenant = await createTenant(t);
    await policy(tenant, { name: 'open', rules: [ANY] });
    const closed = await policy(tenant, { name: 'closed', rules: [{ ...ANY, effect: 'forbid', resource_scope_type: 'eq', resource_entity_type: 'Host', resource_entity_id: 'db', notice: 'db is closed' }] });
    const response = await simulate(tenant);
    expect(response.body).toMatchObject({ decision: 'deny', policy_id: null, determining_rule_ids: [closed.rules[0].id], notices: ['db is closed'] });
    expect((await simulate(tenant, { resource: { type: 'Host', id: 'web' } })).body.decision).toBe('allow');
  });

  it('lets a higher priority permit override a lower priority forbid, and not the reverse', async () => {
    const tenant = await createTenant(t);
    await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: alice, parents: [{ type: 'Group', id: 'oncall' }] }] });
    await policy(tenant, { name: 'weekends', priority: 10, rules: [{ ...ANY, effect: 'forbid', conditions: 'context.weekend', notice: 'not on weekends' }] });
    const onCall = await policy(tenant, { name: 'on-call', priority: 100, rules: [{ ...ANY, principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: 'oncall' }] });
    expect((await simulate(tenant, { context: { weekend: true } })).body).toMatchObject({ decision: 'allow', policy_id: onCall.id });
    expect((await simulate(tenant, { principal: { type: 'User', id: 'bob' }, context: { weekend: true } })).body).toMatchObject({ decision: 'deny', notices: ['not on weekends'] });

    const strict = await policy(tenant, { name: 'freeze', priority: 1000, rules: [{ ...ANY, effect: 'forbid', conditions: 'context.freeze' }] });
    expect((await simulate(tenant, { context: { weekend: true, freeze: true } })).body).toMatchObject({ decision: 'deny', determining_rule_ids: [strict.rules[0].id] });
    expect((await simulate(tenant, { context: { weekend: false, freeze: false } })).body.decision).toBe('allow');
  });

  it('follows `in` through a two-level group hierarchy in the entity store, and sees entity changes at once', async () => {
    const tenant = await createTenant(t);
    await policy(tenant, { name: 'eng', rules: [{ ...ANY, principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: 'engineering' }] });
    expect((await simulate(tenant)).body.decision).toBe('deny');
    await tenant.admin({
      method: 'PUT',
      url: '/v1/entities',
      body: [
        { uid: alice, parents: [{ type: 'Group', id: 'sre' }] },
        { uid: { type: 'Group', id: 'sre' }, parents: [{ type: 'Group', id: 'engineering' }] },
      ],
    });
    expect((await simulate(tenant)).body.decision).toBe('allow');
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/entities/Group/sre' })).status).toBe(204);
    expect((await simulate(tenant)).body.decision).toBe('deny');
  });

  it('evaluates conditions on the context with the effective duration, a bare expression wrapped in when', async () => {
    const tenant = await createTenant(t);
    const p = await policy(tenant, { name: 'short', max_duration_seconds: 20000, rules: [{ ...ANY, conditions: 'context.duration_seconds <= 14400 && context.ticket like "INC-*"' }] });
    expect(p.rules[0].conditions).toBe('when { context.duration_seconds <= 14400 && context.ticket like "INC-*" }');
    expect((await simulate(tenant, { duration_seconds: 3600, context: { ticket: 'INC-7' } })).body.decision).toBe('allow');
    expect((await simulate(tenant, { duration_seconds: 18000, context: { ticket: 'INC-7' } })).body.decision).toBe('deny');
    expect((await simulate(tenant, { duration_seconds: 3600, context: { ticket: 'none' } })).body.decision).toBe('deny');
    // No requested duration: the maximum (20000) applies, and the rule is evaluated with it.
    expect((await simulate(tenant, { context: { ticket: 'INC-7' } })).body.decision).toBe('deny');
    const justified = await policy(tenant, { name: 'why', priority: 5, rules: [{ ...ANY, conditions: 'context.justification like "*incident*"' }] });
    expect((await simulate(tenant, { justification: 'an incident', duration_seconds: 60 })).body.policy_id).toBe(justified.id);
    const bad = await simulate(tenant, { context: { bad: null } });
    expect(bad.status).toBe(400);
    expect(bad.body.notices.length).toBeGreaterThan(0);
  });

  it('gives the allow to the oldest policy, ignores disabled policies and follows edits at once', async () => {
    const tenant = await createTenant(t);
    const older = await policy(tenant, { name: 'older', approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }], rules: [ANY] });
    const newer = await policy(tenant, { name: 'newer', rules: [ANY] });
    expect((await simulate(tenant)).body).toMatchObject({ policy_id: older.id, approval_required: true });
    await tenant.admin({ method: 'PATCH', url: `/v1/policies/${older.id}`, body: { enabled: false } });
    expect((await simulate(tenant)).body).toMatchObject({ policy_id: newer.id, approval_required: false });
    await tenant.admin({ method: 'PATCH', url: `/v1/policies/${newer.id}/rules/${newer.rules[0].id}`, body: { effect: 'forbid', notice: 'now closed' } });
    expect((await simulate(tenant)).body).toMatchObject({ decision: 'deny', notices: ['now closed'] });
  });

  it('never lets an injected id or condition grant access', async () => {
    const tenant = await createTenant(t);
    const sneaky = 'nobody", action, resource);\npermit(principal, action, resource) when { true';
    await policy(tenant, { name: 'exact', rules: [{ ...ANY, principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: sneaky }] });
    const refused = await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'x', max_duration_seconds: 60, rules: [{ ...ANY, effect: 'forbid', conditions: 'false }; permit(principal, action, resource) when { true' }] } });
    expect(refused.status).toBe(400);
    expect((await simulate(tenant)).body.decision).toBe('deny');
    expect((await simulate(tenant, { principal: { type: 'User', id: sneaky } })).body.decision).toBe('allow');
  });

  it('stores nothing', async () => {
    const tenant = await createTenant(t);
    await policy(tenant, { name: 'p', rules: [ANY] });
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    const count = async () => (await db.query('SELECT (SELECT count(*) FROM grants WHERE tenant_id = $1) + (SELECT count(*) FROM audit_events WHERE tenant_id = $1) AS n', [tenant.id])).rows[0].n;
    const before = await count();
    expect((await simulate(tenant)).body.decision).toBe('allow');
    expect((await simulate(tenant, { action: { type: 'Action', id: 'x' } })).body.decision).toBe('allow');
    expect(await count()).toBe(before);
    await db.end();
  });

  it('answers 400 for malformed requests, naming the field', async () => {
    const tenant = await createTenant(t);
    const response = await tenant.as('requester')({ method: 'POST', url: '/v1/policies/simulate', body: { principal: { type: 'User"', id: 'a' }, action: ssh } });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.details.fields)).toEqual(expect.arrayContaining(['principal.type', 'resource']));
  });
});
