import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const EXAMPLE_RULES = { rules: [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' }] };
const MISSING = '2489e9ad-2ee2-4e00-8ec9-32d5f69181c0';

describe('policies', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  const create = (body: Record<string, unknown>, who: TestTenant = tenant) => who.admin({ method: 'POST', url: '/v1/policies', body });

  it('creates a policy with every field of the reference object and the documented defaults', async () => {
    const created = await create({ name: 'ssh', max_duration_seconds: 3600, ...EXAMPLE_RULES });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'ssh',
      description: null,
      enabled: true,
      priority: 0,
      max_duration_seconds: 3600,
      default_duration_seconds: null,
      notification_channel: null,
      approval_required: false,
      approval_groups: [],
      purpose_justification_required: false,
      purpose_justification_prompt: null,
      approval_timeout_seconds: 86400,
      rules: [
        {
          id: expect.any(String),
          ordinal: 1,
          effect: 'permit',
          policy_text: expect.stringContaining('permit (\n  principal,\n  action,\n  resource\n);'),
          principal_scope_type: 'any',
          principal_entity_type: null,
          principal_entity_id: null,
          action_scope_type: 'any',
          action_ids: [],
          resource_scope_type: 'any',
          resource_entity_type: null,
          resource_entity_id: null,
          conditions: null,
          notice: null,
          audit_session: true,
          created_at: expect.any(String),
        },
      ],
      cedar_policy_set: created.body.rules[0].policy_text,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(created.body.rules[0].policy_text).toMatch(new RegExp(`^@id\\("${created.body.rules[0].id}"\\)\\n`));
    const fetched = await tenant.as('auditor')({ method: 'GET', url: `/v1/policies/${created.body.id}` });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('applies the reference PATCH examples as printed', async () => {
    const { body: policy } = await create({ name: 'patch me', max_duration_seconds: 7200 });
    const channel = await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: { name: 'example', type: 'email', config: { to: ['x@example.com'] } } });
    expect(channel.status).toBe(201);
    const generated = await tenant.admin({
      method: 'PATCH',
      url: `/v1/policies/${policy.id}`,
      body: { name: 'example', description: 'example', enabled: true, priority: 1, max_duration_seconds: 1, default_duration_seconds: 1, notification_channel: 'example' },
    });
    expect(generated.status).toBe(200);
    expect(generated.body).toMatchObject({ name: 'example', description: 'example', priority: 1, max_duration_seconds: 1, default_duration_seconds: 1, notification_channel: 'example', rules: [] });
    const rules = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: EXAMPLE_RULES });
    expect(rules.status).toBe(200);
    expect(rules.body.name).toBe('example');
    expect(rules.body.rules).toHaveLength(1);
    expect(rules.body.rules[0]).toMatchObject({ effect: 'permit', principal_scope_type: 'any', ordinal: 1, audit_session: true });
    expect(new Date(rules.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(generated.body.updated_at).getTime());
  });

  it('replaces the rules when a PATCH sends a rules array, and keeps them otherwise', async () => {
    const { body: policy } = await create({
      name: 'replace',
      max_duration_seconds: 60,
      rules: [EXAMPLE_RULES.rules[0], { ...EXAMPLE_RULES.rules[0], effect: 'forbid', conditions: 'context.duration_seconds > 30' }],
    });
    expect(policy.rules.map((r: { ordinal: number }) => r.ordinal)).toEqual([1, 2]);
    expect(policy.cedar_policy_set).toBe(`${policy.rules[0].policy_text}\n\n${policy.rules[1].policy_text}`);
    const kept = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: { description: 'x' } });
    expect(kept.body.rules.map((r: { id: string }) => r.id)).toEqual(policy.rules.map((r: { id: string }) => r.id));
    const replaced = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: { rules: [{ ...EXAMPLE_RULES.rules[0], ordinal: 10 }] } });
    expect(replaced.body.rules).toHaveLength(1);
    expect(replaced.body.rules[0].ordinal).toBe(10);
    expect(policy.rules.map((r: { id: string }) => r.id)).not.toContain(replaced.body.rules[0].id);
  });

  it('on PATCH, refuses null where the create requires a value, and clears nullable fields with null', async () => {
    const { body: policy } = await create({ name: 'nulls', description: 'd', max_duration_seconds: 60 });
    for (const field of ['name', 'max_duration_seconds', 'enabled', 'approval_groups']) {
      const refused = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: { [field]: null } });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body.details.fields)).toEqual([field]);
    }
    const cleared = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: { description: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ name: 'nulls', description: null, max_duration_seconds: 60 });
  });

  it('refuses a default duration above the maximum, also through a partial change', async () => {
    const bad = await create({ name: 'd', max_duration_seconds: 60, default_duration_seconds: 61 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_input', details: { field: 'default_duration_seconds' } });
    const { body: policy } = await create({ name: 'd', max_duration_seconds: 60, default_duration_seconds: 60 });
    const lowered = await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}`, body: { max_duration_seconds: 59 } });
    expect(lowered.status).toBe(400);
    expect(lowered.body.details.field).toBe('default_duration_seconds');
  });

  it('validates the body, names the field and refuses unknown fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_duration_seconds: 60 }, 'name'],
      [{ name: 'x' }, 'max_duration_seconds'],
      [{ name: 'x', max_duration_seconds: 0 }, 'max_duration_seconds'],
      [{ name: 'x', max_duration_seconds: 60, priority: 1.5 }, 'priority'],
      [{ name: 'x', max_duration_seconds: 60, enabled: null }, 'enabled'],
      [{ name: 'x', max_duration_seconds: 60, colour: 'red' }, 'colour'],
      [{ name: 'x', max_duration_seconds: 60, rules: [{ effect: 'allow', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' }] }, 'rules.0.effect'],
      [{ name: 'x', max_duration_seconds: 60, rules: [{ effect: 'permit' }] }, 'rules.0.principal_scope_type'],
      [{ name: 'x', max_duration_seconds: 60, approval_groups: [{ approvals_needed: 0 }] }, 'approval_groups.0.approvals_needed'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.details.fields)).toContain(field);
    }
    const scope = await create({ name: 'x', max_duration_seconds: 60, rules: [{ ...EXAMPLE_RULES.rules[0], principal_scope_type: 'eq', principal_entity_type: 'User' }] });
    expect(scope.status).toBe(400);
    expect(scope.body.details.field).toBe('rules[0].principal_entity_id');
  });

  it('checks approval groups and the notification channel against the tenant', async () => {
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'approvers', emails: ['a@example.com'] } });
    const channel = await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: { name: 'ops', type: 'email', config: { to: ['ops@example.com'] } } });
    expect([list.status, channel.status]).toEqual([201, 201]);
    const theirList = await other.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'theirs', emails: ['t@example.com'] } });
    const approval = {
      name: 'approval',
      max_duration_seconds: 60,
      approval_required: true,
      approval_groups: [
        { approvals_needed: 1, email_addresses: ['Boss@Example.com'] },
        { approvals_needed: 1, email_list_uuid: list.body.id },
      ],
      purpose_justification_required: true,
      purpose_justification_prompt: 'Ticket?',
      approval_timeout_seconds: 600,
      notification_channel: 'ops',
    };
    const ok = await create(approval);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      approval_required: true,
      approval_groups: [
        { approvals_needed: 1, email_addresses: ['boss@example.com'], email_list_uuid: null },
        { approvals_needed: 1, email_addresses: [], email_list_uuid: list.body.id },
      ],
      purpose_justification_required: true,
      purpose_justification_prompt: 'Ticket?',
      approval_timeout_seconds: 600,
      notification_channel: 'ops',
    });
    const foreignList = await create({ ...approval, approval_groups: [approval.approval_groups[0], { approvals_needed: 1, email_list_uuid: theirList.body.id }] });
    expect(foreignList.status).toBe(400);
    expect(foreignList.body.details.field).toBe('approval_groups[1].email_list_uuid');
    const unknownChannel = await create({ ...approval, notification_channel: 'nope' });
    expect(unknownChannel.status).toBe(400);
    expect(unknownChannel.body.details.field).toBe('notification_channel');
    const tooMany = await create({ ...approval, approval_groups: [{ approvals_needed: 2, email_addresses: ['a@example.com'] }] });
    expect(tooMany.body.details.field).toBe('approval_groups[0].approvals_needed');
    const noGroup = await create({ ...approval, approval_groups: [] });
    expect(noGroup.body.details.field).toBe('approval_groups');
  });

  it('answers invalid Cedar with 400 and Cedar\'s messages, and stores nothing', async () => {
    const before = await tenant.admin({ method: 'GET', url: '/v1/policies?limit=500' });
    const response = await create({ name: 'bad', max_duration_seconds: 60, rules: [{ ...EXAMPLE_RULES.rules[0], conditions: 'context.x ==' }] });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'invalid_input', details: { field: 'rules[0].conditions' } });
    expect(response.body.notices.length).toBeGreaterThan(0);
    const after = await tenant.admin({ method: 'GET', url: '/v1/policies?limit=500' });
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('lists with a cursor and deletes, with audit events for each change', async () => {
    const fresh = await createTenant(t, 'lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create({ name: `p${i}`, max_duration_seconds: 60, ...EXAMPLE_RULES }, fresh)).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await fresh.as('auditor')({ method: 'GET', url: `/v1/policies?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((p: { id: string }) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    await fresh.admin({ method: 'PATCH', url: `/v1/policies/${ids[0]}`, body: { enabled: false } });
    expect((await fresh.admin({ method: 'DELETE', url: `/v1/policies/${ids[0]}` })).status).toBe(204);
    expect((await fresh.admin({ method: 'GET', url: `/v1/policies/${ids[0]}` })).status).toBe(404);
    expect((await fresh.admin({ method: 'DELETE', url: `/v1/policies/${ids[0]}` })).status).toBe(404);
    const events = await fresh.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_type=policy&target_id=${ids[0]}` });
    expect(events.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['policy.created', 'policy.deleted', 'policy.updated']);
  });

  it('lets auditors read but not write, and hides another tenant\'s policies behind 404', async () => {
    const { body: policy } = await create({ name: 'mine', max_duration_seconds: 60, ...EXAMPLE_RULES });
    expect((await tenant.as('auditor')({ method: 'POST', url: '/v1/policies', body: { name: 'x', max_duration_seconds: 60 } })).status).toBe(403);
    expect((await tenant.as('requester')({ method: 'GET', url: '/v1/policies' })).status).toBe(403);
    for (const request of [
      { method: 'GET' as const, url: `/v1/policies/${policy.id}` },
      { method: 'PATCH' as const, url: `/v1/policies/${policy.id}`, body: { name: 'stolen' } },
      { method: 'DELETE' as const, url: `/v1/policies/${policy.id}` },
      { method: 'GET' as const, url: `/v1/policies/${MISSING}` },
    ]) {
      const response = await other.admin(request);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    const theirList = await other.admin({ method: 'GET', url: '/v1/policies?limit=500' });
    expect(theirList.body.data.map((p: { id: string }) => p.id)).not.toContain(policy.id);
    expect((await tenant.admin({ method: 'GET', url: `/v1/policies/${policy.id}` })).body.name).toBe('mine');
    expect((await tenant.admin({ method: 'GET', url: '/v1/policies/not-a-uuid' })).status).toBe(400);
  });
});
