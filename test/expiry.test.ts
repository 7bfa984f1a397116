import Redis from 'ioredis';
import { Client } from 'pg';
import { bucketJobId, expiryBucket } from '@/modules/grants/grant-jobs';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

describe('expiry and timeouts', () => {
  const t = useTestApp({ SWEEP_INTERVAL_SECONDS: '1' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    await permitPolicy(tenant, 'alice', 'sudo', {
      approval_required: true,
      approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }],
    });
  });

  const sshAlice = (duration: number) => ({ principal: user('alice'), action: action('ssh'), resource: host(`h${Math.random()}`), duration_seconds: duration });
  const get = (id: string) => tenant.admin({ method: 'GET', url: `/v1/grants/${id}` });

  it('expires a grant on time through its delayed job, as the system', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: sshAlice(1) });
    expect(created.body.status).toBe('active');
    const ended = await waitFor(() => get(created.body.id), (r) => r.body.status === 'expired');
    expect(ended.body.status).toBe('expired');
    expect(ended.body.ended_reason).toBe('expired');
    const event = ended.body.events.find((e: { action: string }) => e.action === 'grant.expired');
    expect(event.actor.type).toBe('system');
  });

  it('records an approved grant as it ended: the expired event\'s grant is the grant as read afterwards', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('sudo'), resource: host('db9'), duration_seconds: 60 } });
    expect(created.body.status).toBe('pending_approval');
    const approved = await tenant.as('approver')({ method: 'POST', url: `/v1/grants/${created.body.id}/approvals`, body: { decision: 'approve', approver_email: 'boss@example.com' } });
    expect(approved.body.status).toBe('active');
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    await db.query(`UPDATE grants SET expires_at = now() WHERE id = $1`, [created.body.id]);
    await db.end();
    const ended = await waitFor(() => get(created.body.id), (r) => r.body.status === 'expired');
    const event = ended.body.events.find((e: { action: string }) => e.action === 'grant.expired');
    const audited = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${created.body.id}&action=grant.expired` });
    const { events: _events, ...view } = ended.body as Record<string, unknown>;
    expect(event).toBeDefined();
    expect(audited.body.data[0].data.grant).toEqual(view);
    expect(view.approvals).toEqual([expect.objectContaining({ approver_email: 'boss@example.com', decision: 'approve' })]);
  });

  it('still expires grants after the Redis keys were flushed (sweep)', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: sshAlice(2) });
    const redis = new Redis(t.config.redisUrl);
    try {
      const keys = await redis.keys(`${t.config.redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
      // The grant's delayed job is gone (the live worker may recreate its own bookkeeping keys at once).
      const job = bucketJobId(expiryBucket(new Date(created.body.expires_at as string)));
      expect(await redis.exists(`${t.config.redisPrefix}:bull:grants:${job}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
    const ended = await waitFor(() => get(created.body.id), (r) => r.body.status === 'expired');
    expect(ended.body.status).toBe('expired');
  });

  it('times out a request nobody approved (through the sweep once its deadline has passed)', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('sudo'), resource: host('db1') } });
    expect(created.body.status).toBe('pending_approval');
    // Policies ask for at least a minute; move this request's deadline into the past instead of waiting.
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    await db.query(`UPDATE grants SET approval_deadline = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
    await db.end();
    const ended = await waitFor(() => get(created.body.id), (r) => r.body.status === 'timed_out');
    expect(ended.body.status).toBe('timed_out');
  });
});
