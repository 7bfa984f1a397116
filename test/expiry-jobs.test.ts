import Redis from 'ioredis';
import { Client } from 'pg';
import { bucketJobId, expiryBucket } from '@/modules/grants/grant-jobs';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

/** The sweep is an hour away here: whatever ends these grants is their delayed jobs. */
describe('expiry jobs', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp({ SWEEP_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const request = (resource: string, duration: number) =>
    tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host(resource), duration_seconds: duration } });
  const statuses = async (ids: string[]) => (await db.query<{ status: string }>('SELECT status FROM grants WHERE id = ANY($1::uuid[])', [ids])).rows.map((r) => r.status);

  it('ends grants falling due together exactly once each, with an unbroken audit chain', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 10) {
      const created = await Promise.all(Array.from({ length: 10 }, (_, j) => request(`batch-${i + j}`, 2)));
      ids.push(...created.map((response) => response.body.id as string));
    }
    await waitFor(() => statuses(ids), (all) => all.every((status) => status === 'expired'), 30_000);
    const events = await db.query<{ target_id: string; n: string }>(
      `SELECT target_id, count(*) AS n FROM audit_events WHERE action = 'grant.expired' AND target_id = ANY($1) GROUP BY target_id`,
      [ids],
    );
    expect(events.rows).toHaveLength(ids.length);
    expect(events.rows.every((row) => row.n === '1')).toBe(true);
    const late = await db.query<{ early: boolean }>('SELECT ended_at < expires_at AS early FROM grants WHERE id = ANY($1::uuid[])', [ids]);
    expect(late.rows.some((row) => row.early)).toBe(false);
    const verify = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' });
    expect(verify.body).toMatchObject({ valid: true });
  });

  it('schedules one job per expiry bucket, not one per grant', async () => {
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => request(`bucketed-${i}`, 600)));
    const expected = new Set(created.map((response) => bucketJobId(expiryBucket(new Date(response.body.expires_at as string)))));
    const redis = new Redis(t.config.redisUrl);
    try {
      const prefix = `${t.config.redisPrefix}:bull:grants:`;
      const keys = await redis.keys(`${prefix}due-*`);
      // Only this test's buckets (ten minutes out): the earlier test's jobs for grants due now may still be finishing.
      const later = Date.now() + 300_000;
      const jobs = new Set(keys.map((key) => key.slice(prefix.length)).filter((id) => !id.includes(':') && Number(id.split('-').pop()) > later));
      expect(jobs).toEqual(expected);
      expect(jobs.size).toBeLessThan(created.length / 2);
    } finally {
      redis.disconnect();
    }
  });

  it('comes back for a grant whose row another transaction held when its job ran', async () => {
    const created = await request('held', 1);
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM grants WHERE id = $1 FOR UPDATE', [created.body.id]);
      // Past its end, the job has run and found the row locked: the grant must still be active, not given up on.
      await waitFor(
        () => db.query<{ passed: boolean }>('SELECT now() > expires_at + interval \'1 second\' AS passed FROM grants WHERE id = $1', [created.body.id]),
        (result) => result.rows[0].passed,
      );
      expect(await statuses([created.body.id])).toEqual(['active']);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    await waitFor(() => statuses([created.body.id]), ([status]) => status === 'expired');
    expect(await statuses([created.body.id])).toEqual(['expired']);
  });
});
