import { PrismaService } from '../src/infra/prisma/prisma.service';
import { EmailListsRepository } from '../src/modules/email-lists/email-lists.repository';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

describe('email lists', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  const create = (who: TestTenant, name: string, emails: string[] = ['a@example.com']) =>
    who.admin({ method: 'POST', url: '/v1/email-lists', body: { name, emails } });

  const auditActions = async (targetId: string) =>
    (await t.app.get(PrismaService).auditEvent.findMany({ where: { targetId }, orderBy: { seq: 'asc' } })).map((e) => e.action);

  it('creates, reads, lists, updates and deletes, auditing each change', async () => {
    const created = await create(tenant, 'oncall', ['Bob@Example.com', 'alice@example.com', 'bob@example.com']);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'oncall',
      emails: ['bob@example.com', 'alice@example.com'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as string;

    const read = await tenant.as('auditor')({ method: 'GET', url: `/v1/email-lists/${id}` });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const listed = await tenant.as('auditor')({ method: 'GET', url: '/v1/email-lists' });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((l: { id: string }) => l.id)).toContain(id);
    expect(listed.body).toHaveProperty('next_cursor');

    const patched = await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${id}`, body: { emails: ['carol@example.com'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, name: 'oncall', emails: ['carol@example.com'] });
    const renamed = await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${id}`, body: { name: 'primary oncall' } });
    expect(renamed.body).toMatchObject({ name: 'primary oncall', emails: ['carol@example.com'] });

    const deleted = await tenant.admin({ method: 'DELETE', url: `/v1/email-lists/${id}` });
    expect(deleted.status).toBe(204);
    expect((await tenant.admin({ method: 'GET', url: `/v1/email-lists/${id}` })).status).toBe(404);
    expect(await auditActions(id)).toEqual([
      'email_list.created',
      'email_list.updated',
      'email_list.updated',
      'email_list.deleted',
    ]);
  });

  it('paginates with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) expect((await create(tenant, `page-${i}`)).status).toBe(201);
    const first = await tenant.admin({ method: 'GET', url: '/v1/email-lists?limit=2' });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await tenant.admin({ method: 'GET', url: `/v1/email-lists?limit=2&cursor=${first.body.next_cursor}` });
    expect(second.status).toBe(200);
    const ids = [...first.body.data, ...second.body.data].map((l: { id: string }) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('validates and names the fields', async () => {
    const cases: [unknown, string[]][] = [
      [{ name: 'x', emails: ['not-an-email'] }, ['emails']],
      [{ name: '   ', emails: [] }, ['name']],
      [{ emails: 'a@example.com' }, ['name', 'emails']],
      [{ name: 'x', emails: [], owner: 'me' }, ['owner']],
      [{ name: 'x'.repeat(201), emails: [42] }, ['name', 'emails']],
    ];
    for (const [body, fields] of cases) {
      const response = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_input');
      expect(Object.keys(response.body.details.fields).sort()).toEqual([...fields].sort());
    }
    const { body } = await create(tenant, 'valid');
    const nulls = await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${body.id}`, body: { name: null } });
    expect(nulls.status).toBe(400);
    expect(Object.keys(nulls.body.details.fields)).toEqual(['name']);
    expect((await tenant.admin({ method: 'GET', url: '/v1/email-lists/not-a-uuid' })).status).toBe(400);
  });

  it('refuses a duplicate name with 409, on create and on rename', async () => {
    expect((await create(tenant, 'dup')).status).toBe(201);
    const again = await create(tenant, 'dup');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const second = await create(tenant, 'dup-2');
    const rename = await tenant.admin({ method: 'PATCH', url: `/v1/email-lists/${second.body.id}`, body: { name: 'dup' } });
    expect(rename.status).toBe(409);
    expect((await create(other, 'dup')).status).toBe(201);
  });

  it('lets admins write and auditors read, nobody else', async () => {
    const { body } = await create(tenant, 'roles');
    const auditor = tenant.as('auditor');
    expect((await auditor({ method: 'POST', url: '/v1/email-lists', body: { name: 'no', emails: [] } })).status).toBe(403);
    expect((await auditor({ method: 'PATCH', url: `/v1/email-lists/${body.id}`, body: { name: 'no' } })).status).toBe(403);
    expect((await auditor({ method: 'DELETE', url: `/v1/email-lists/${body.id}` })).status).toBe(403);
    for (const role of ['requester', 'approver'] as const) {
      const response = await tenant.as(role)({ method: 'GET', url: '/v1/email-lists' });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('forbidden');
    }
  });

  it('answers 404 for another tenant\'s list on every endpoint', async () => {
    const theirs = await create(other, 'theirs', ['x@example.com']);
    const url = `/v1/email-lists/${theirs.body.id}`;
    for (const request of [
      { method: 'GET' as const, url },
      { method: 'PATCH' as const, url, body: { name: 'stolen' } },
      { method: 'DELETE' as const, url },
    ]) {
      const response = await tenant.admin(request);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
      expect(response.text).not.toContain('x@example.com');
    }
    const listed = await tenant.admin({ method: 'GET', url: '/v1/email-lists?limit=500' });
    expect(listed.body.data.map((l: { id: string }) => l.id)).not.toContain(theirs.body.id);
    expect((await other.admin({ method: 'GET', url })).body.name).toBe('theirs');
  });

  it('refuses to delete a list that a policy\'s approval group uses', async () => {
    const { body: list } = await create(tenant, 'approvers');
    const prisma = t.app.get(PrismaService);
    const policy = await prisma.policy.create({
      data: {
        tenantId: tenant.id,
        name: 'uses the list',
        maxDurationSeconds: 3600,
        approvalGroups: [
          { approvals_needed: 1, email_addresses: ['z@example.com'], email_list_uuid: null },
          { approvals_needed: 1, email_addresses: [], email_list_uuid: (list.id as string).toUpperCase() },
        ],
      },
    });
    const refused = await tenant.admin({ method: 'DELETE', url: `/v1/email-lists/${list.id}` });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict', details: { policy_ids: [policy.id] } });
    expect((await tenant.admin({ method: 'GET', url: `/v1/email-lists/${list.id}` })).status).toBe(200);

    await prisma.policy.delete({ where: { id: policy.id } });
    expect((await tenant.admin({ method: 'DELETE', url: `/v1/email-lists/${list.id}` })).status).toBe(204);
  });

  it('resolves ids and members for other modules, within the tenant only', async () => {
    const mine = await create(tenant, 'resolve', ['m1@example.com', 'm2@example.com']);
    const theirs = await create(other, 'resolve', ['t@example.com']);
    const repo = t.app.get(EmailListsRepository);
    const upper = (mine.body.id as string).toUpperCase();
    const missing = '00000000-0000-4000-8000-000000000000';
    const ids = [mine.body.id, upper, theirs.body.id, missing, 'garbage'];
    expect(await repo.existingIds(tenant.id, ids)).toEqual(new Set([mine.body.id, upper]));
    expect(await repo.emailsOf(tenant.id, ids)).toEqual(
      new Map([
        [mine.body.id, ['m1@example.com', 'm2@example.com']],
        [upper, ['m1@example.com', 'm2@example.com']],
      ]),
    );
    expect(await repo.existingIds(tenant.id, [])).toEqual(new Set());
    const locked = await t.app.get(PrismaService).$transaction((tx) => repo.lockExisting(tx, tenant.id, ids));
    expect(locked).toEqual(new Set([mine.body.id, upper]));
  });
});
