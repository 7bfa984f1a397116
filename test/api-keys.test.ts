import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { startTestApp } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

describe('API keys', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  it('shows the secret once and stores only its hash', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'ci', role: 'requester' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'ci',
      role: 'requester',
      subject_email: null,
      key: expect.stringMatching(/^jit_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      revoked_at: null,
    });
    const listed = await tenant.admin({ method: 'GET', url: '/v1/api-keys?limit=500' });
    const row = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(row).toEqual({ id: created.body.id, name: 'ci', role: 'requester', subject_email: null, created_at: expect.any(String), revoked_at: null });
    expect(JSON.stringify(listed.body)).not.toContain((created.body.key as string).split('_').slice(2).join('_'));

    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    const { rows } = await db.query('SELECT secret_hash FROM api_keys WHERE id = $1', [created.body.id]);
    await db.end();
    const secret = (created.body.key as string).split('_').slice(2).join('_');
    expect(Buffer.from(rows[0].secret_hash)).toEqual(createHash('sha256').update(secret).digest());
  });

  it('validates the body and names the field', async () => {
    const bad = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'x', role: 'root' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_input');
    expect(Object.keys(bad.body.details.fields)).toEqual(['role']);
  });

  it('paginates with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) {
      await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: `page-${i}`, role: 'auditor' } });
    }
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await tenant.admin({ method: 'GET', url: `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const key of page.body.data) seen.add(key.id);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.size).toBeGreaterThanOrEqual(7);
    expect((await tenant.admin({ method: 'GET', url: '/v1/api-keys?limit=501' })).status).toBe(400);
  });

  it('refuses to revoke the last active admin key, also under concurrent revokes of the last two', async () => {
    const other = await createTenant(t, 'last admin');
    const own = await other.admin({ method: 'GET', url: '/v1/api-keys?limit=500' });
    const admins = (own.body.data as { id: string; role: string; revoked_at: string | null }[]).filter((k) => k.role === 'admin' && !k.revoked_at);
    const second = await other.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'second admin', role: 'admin' } });
    const ids = [...admins.map((k) => k.id), second.body.id as string];
    const answers = await Promise.all(ids.map((id) => other.as('admin')({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: { 'x-api-key': second.body.key } })));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(ids.length - 1).fill(204), 409].sort());
    expect(answers.find((a) => a.status === 409)?.body).toMatchObject({ code: 'conflict' });
  });

  it('answers 404 for another tenant\'s key and for unknown ids', async () => {
    const theirs = await other.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'theirs', role: 'admin' } });
    const response = await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${theirs.body.id}` });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    const still = await t.request({ method: 'GET', url: '/v1/api-keys', headers: { 'x-api-key': theirs.body.key, 'x-tenant-id': other.id } });
    expect(still.status).toBe(200);
    expect((await tenant.admin({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid' })).status).toBe(400);
  });

  it('stops a revoked key in another process within a second', async () => {
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix });
    try {
      const created = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'shared', role: 'admin' } });
      const headers = { 'x-api-key': created.body.key as string, 'x-tenant-id': tenant.id };
      expect((await second.request({ method: 'GET', url: '/v1/api-keys', headers })).status).toBe(200);
      await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${created.body.id}` });
      const deadline = Date.now() + 1000;
      let status = 200;
      while (Date.now() < deadline && status === 200) {
        status = (await second.request({ method: 'GET', url: '/v1/api-keys', headers })).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(401);
    } finally {
      await second.app.close();
    }
  });
});
