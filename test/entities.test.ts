import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

describe('entities', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  const put = (body: unknown, who: TestTenant = tenant) => who.admin({ method: 'PUT', url: '/v1/entities', body });

  it('upserts a batch with parents and attributes, and replaces on the next write', async () => {
    const first = await put([
      { uid: { type: 'User', id: 'alice' }, attrs: { dept: 'sre', manager: { __entity: { type: 'User', id: 'bob' } } }, parents: [{ type: 'Group', id: 'sre' }] },
      { uid: { type: 'Group', id: 'sre' }, parents: [{ type: 'Group', id: 'engineering' }] },
      { uid: { type: 'Acme::Host', id: 'db "1"' }, attrs: { ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } } },
    ]);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(3);
    expect(first.body.data[0]).toEqual({
      uid: { type: 'User', id: 'alice' },
      attrs: { dept: 'sre', manager: { __entity: { type: 'User', id: 'bob' } } },
      parents: [{ type: 'Group', id: 'sre' }],
      updated_at: expect.any(String),
    });
    const replaced = await put([{ uid: { type: 'User', id: 'alice' }, attrs: { dept: 'dba' } }]);
    expect(replaced.body.data[0]).toMatchObject({ attrs: { dept: 'dba' }, parents: [] });
    const users = await tenant.as('auditor')({ method: 'GET', url: '/v1/entities?type=User' });
    expect(users.status).toBe(200);
    expect(users.body).toEqual({ data: [expect.objectContaining({ uid: { type: 'User', id: 'alice' }, attrs: { dept: 'dba' } })], next_cursor: null });
    const events = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_type=entity&target_id=${encodeURIComponent('User::"alice"')}` });
    expect(events.body.data.map((e: { action: string }) => e.action)).toEqual(['entity.upserted', 'entity.upserted']);
  });

  it('pages through entities in (type, id) order', async () => {
    const fresh = await createTenant(t, 'pager');
    await put(Array.from({ length: 5 }, (_x, i) => ({ uid: { type: i % 2 ? 'Host' : 'User', id: `e${i}` } })), fresh);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await fresh.admin({ method: 'GET', url: `/v1/entities?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      seen.push(...page.body.data.map((e: { uid: { type: string; id: string } }) => `${e.uid.type}/${e.uid.id}`));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['Host/e1', 'Host/e3', 'User/e0', 'User/e2', 'User/e4']);
    expect((await fresh.admin({ method: 'GET', url: '/v1/entities?type=bad%20type' })).status).toBe(400);
  });

  it('validates the body and lets Cedar judge attribute values', async () => {
    const cases: [unknown, string][] = [
      [{ uid: { type: 'User', id: 'x' } }, 'body'],
      [[{ uid: { type: 'Bad Type', id: 'x' } }], '[0].uid.type'],
      [[{ uid: { type: 'User', id: 'x' }, parents: [{ type: 'Group' }] }], '[0].parents.0.id'],
      [[{ uid: { type: 'User', id: 'x' }, colour: 'red' }], '[0].colour'],
    ];
    for (const [body, field] of cases) {
      const response = await put(body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
      expect([response.body.details.field, ...Object.keys(response.body.details.fields ?? {})]).toContain(field);
    }
    const nulls = await put([{ uid: { type: 'User', id: 'x' }, attrs: { manager: null } }]);
    expect(nulls.status).toBe(400);
    expect(nulls.body.notices.join(' ')).toMatch(/null/);
    const twice = await put([{ uid: { type: 'User', id: 'x' } }, { uid: { type: 'User', id: 'x' } }]);
    expect(twice.status).toBe(400);
    expect((await tenant.admin({ method: 'GET', url: '/v1/entities?type=User' })).body.data.map((e: { uid: { id: string } }) => e.uid.id)).toEqual(['alice']);
  });

  it('deletes by type and id, with ids that need escaping', async () => {
    await put([{ uid: { type: 'Repo', id: 'org/repo?x=1#y' } }]);
    expect((await tenant.admin({ method: 'DELETE', url: `/v1/entities/Repo/${encodeURIComponent('org/repo?x=1#y')}` })).status).toBe(204);
    const url = `/v1/entities/Acme::Host/${encodeURIComponent('db "1"')}`;
    expect((await tenant.admin({ method: 'DELETE', url })).status).toBe(204);
    expect((await tenant.admin({ method: 'DELETE', url })).status).toBe(404);
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/entities/Bad%20Type/x' })).status).toBe(400);
  });

  it('keeps tenants apart: another tenant\'s entities are 404 and never listed', async () => {
    await put([{ uid: { type: 'Secret', id: 's' }, attrs: { level: 9 } }], other);
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/entities/Secret/s' })).status).toBe(404);
    expect((await tenant.admin({ method: 'GET', url: '/v1/entities?type=Secret' })).body.data).toEqual([]);
    expect((await other.admin({ method: 'GET', url: '/v1/entities?type=Secret' })).body.data).toHaveLength(1);
    expect((await tenant.as('requester')({ method: 'GET', url: '/v1/entities' })).status).toBe(403);
    expect((await tenant.as('auditor')({ method: 'PUT', url: '/v1/entities', body: [] })).status).toBe(403);
  });
});
