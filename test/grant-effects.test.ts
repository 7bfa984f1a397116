import type Redis from 'ioredis';
import { Client } from 'pg';
import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { NotificationJobs } from '../src/modules/notifications/notification-jobs';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startSmtp } from './support/notifications';

/** Effects that could not go out when a change committed are replayed by the sweep (every second here). */
describe('grant effects outbox', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let db: Client;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1', REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }] });
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
    await smtp.close();
  });

  const grant = (actionId: string, resource: string) =>
    tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action(actionId), resource: host(resource) } });
  const check = (via: TestApp, resource: string) =>
    via.request({
      method: 'POST',
      url: '/v1/access/check',
      headers: { 'x-api-key': tenant.keys.auditor, 'x-tenant-id': tenant.id },
      body: { principal: user('alice'), action: action('ssh'), resource: host(resource) },
    });
  const pending = async (grantId: string) => Number((await db.query('SELECT count(*) FROM grant_effects WHERE grant_id = $1', [grantId])).rows[0].count);

  it('leaves nothing behind when every effect went out', async () => {
    const created = await grant('ssh', 'clean');
    await tenant.admin({ method: 'POST', url: `/v1/grants/${created.body.id}/revoke`, body: {} });
    // Rows whose effects went out are removed after the answer, within a removal window.
    expect(await waitFor(() => pending(created.body.id), (n) => n === 0, 2000)).toBe(0);
  });

  it('a revoke reaches the other processes within 2 s when Redis refused its message (PRODUCT.md section 14), and the sweep replays the rest', async () => {
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PROCESS_ROLE: 'api' });
    const publisher = (t.app.get(InvalidationBus) as unknown as { publisher: Redis }).publisher;
    try {
      const created = await grant('ssh', 'partitioned');
      expect((await check(second, 'partitioned')).body.allowed).toBe(true);
      await waitFor(() => pending(created.body.id), (n) => n === 0, 2000);
      publisher.disconnect();
      expect((await tenant.admin({ method: 'POST', url: `/v1/grants/${created.body.id}/revoke`, body: {} })).status).toBe(200);
      const revokedAt = Date.now();
      expect((await check(t, 'partitioned')).body.allowed).toBe(false);
      expect(await pending(created.body.id)).toBe(1);
      // The message never left, yet the other process stops allowing within the bound, through the change feed.
      const seen = await waitFor(() => check(second, 'partitioned'), (r) => r.body.allowed === false, 2000);
      expect(seen.body.allowed).toBe(false);
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(2000);
      await publisher.connect();
      await waitFor(() => pending(created.body.id), (n) => n === 0);
      expect(await pending(created.body.id)).toBe(0);
      const metrics = (await t.request({ method: 'GET', url: '/metrics' })).text;
      // Two revokes in this file so far: the replay delivered effects again but is not a second transition.
      expect(metrics).toContain('grant_transitions_total{event="grant.revoked"} 2');
    } finally {
      if (publisher.status !== 'ready') await publisher.connect().catch(() => undefined);
      await second.app.close();
    }
  });

  it('emails the approver in the end when the notification queue refused the request', async () => {
    const jobs = t.app.get(NotificationJobs);
    const addAll = jobs.addAll.bind(jobs);
    jobs.addAll = () => Promise.reject(new Error('Redis unreachable'));
    let created;
    try {
      created = await grant('sudo', 'db1');
      expect(created.status).toBe(201);
      expect(await pending(created.body.id)).toBe(1);
    } finally {
      jobs.addAll = addAll;
    }
    const id = created.body.id as string;
    const mail = await waitFor(
      async () => smtp.received.find((m) => m.to.includes('boss@example.com') && m.body.includes(id)),
      (found) => found !== undefined,
    );
    expect(mail?.subject).toBeTruthy();
    await waitFor(() => pending(id), (n) => n === 0);
    expect(await pending(id)).toBe(0);
  });
});
