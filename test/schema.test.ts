import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const CONTEXT = '{ duration_seconds: Long, justification: String, requested_at: String }';
const SCHEMA = `entity Group; entity User in [Group] { dept: String }; entity Host;
action ssh appliesTo { principal: [User], resource: [Host], context: ${CONTEXT} };`;
const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };

describe('Cedar schema', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  const putSchema = (schema: unknown, who: TestTenant = tenant) => who.admin({ method: 'PUT', url: '/v1/schema', body: { schema } });

  it('stores a schema as given, returns it and removes it', async () => {
    expect((await tenant.admin({ method: 'GET', url: '/v1/schema' })).status).toBe(404);
    const json = { '': { entityTypes: { User: {} }, actions: {} } };
    const stored = await putSchema(json);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({ schema: json, updated_at: expect.any(String) });
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/schema' })).body.schema).toEqual(json);
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/schema' })).status).toBe(204);
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/schema' })).status).toBe(404);
    const events = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?target_type=schema' });
    expect(events.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['schema.deleted', 'schema.updated']);
  });

  it('refuses a schema Cedar cannot read, with its messages', async () => {
    for (const schema of ['entity X; entity X;', { nope: 1 }, 42, ['x']]) {
      const response = await putSchema(schema);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
    }
    expect((await putSchema('entity X; entity X;')).body.notices[0]).toMatch(/declared twice/);
  });

  it('validates rules and entity writes against the schema, errors as notices', async () => {
    expect((await putSchema(SCHEMA)).status).toBe(200);
    const good = await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'ok', max_duration_seconds: 60, rules: [{ ...ANY, principal_scope_type: 'is', principal_entity_type: 'User', action_scope_type: 'eq', action_ids: ['ssh'], conditions: 'principal.dept == "sre"' }] },
    });
    expect(good.status).toBe(201);
    const bad = await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'bad', max_duration_seconds: 60, rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['scp'] }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe('rules[0]');
    expect(bad.body.notices.join(' ')).toMatch(/unrecognized action/);
    const badRule = await tenant.admin({ method: 'POST', url: `/v1/policies/${good.body.id}/rules`, body: { ...ANY, conditions: 'principal.nope' } });
    expect(badRule.status).toBe(400);
    expect(badRule.body.notices.length).toBeGreaterThan(0);

    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: { type: 'User', id: 'a' }, attrs: { dept: 'sre' }, parents: [{ type: 'Group', id: 'g' }] }] })).status).toBe(200);
    const badEntity = await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: { type: 'User', id: 'b' }, attrs: { dept: 7 } }] });
    expect(badEntity.status).toBe(400);
    expect(badEntity.body.notices[0]).toMatch(/dept/);
    const unknownType = await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: { type: 'Robot', id: 'r' } }] });
    expect(unknownType.status).toBe(400);
  });

  it('refuses a schema that existing rules or entities violate, listing them', async () => {
    const rule = await other.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'legacy', max_duration_seconds: 60, enabled: false, rules: [{ ...ANY, action_scope_type: 'eq', action_ids: ['rdp'] }, ANY] },
    });
    await other.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: { type: 'User', id: 'old' }, attrs: { dept: 1 } }] });
    const refused = await putSchema(SCHEMA, other);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('conflict');
    expect(refused.body.details.rules).toEqual([{ rule_id: rule.body.rules[0].id, policy_id: rule.body.id, messages: [expect.stringMatching(/unrecognized action/)] }]);
    expect(refused.body.details.entities).toEqual([{ uid: 'User::"old"', messages: [expect.stringMatching(/dept/)] }]);
    expect(refused.body.notices.length).toBe(2);
    expect((await other.admin({ method: 'GET', url: '/v1/schema' })).status).toBe(404);
  });

  it('keeps schemas per tenant and lets only admins write', async () => {
    expect((await other.admin({ method: 'GET', url: '/v1/schema' })).status).toBe(404);
    expect((await tenant.as('auditor')({ method: 'PUT', url: '/v1/schema', body: { schema: SCHEMA } })).status).toBe(403);
    expect((await tenant.as('requester')({ method: 'GET', url: '/v1/schema' })).status).toBe(403);
    expect((await putSchema(undefined)).status).toBe(400);
  });
});
