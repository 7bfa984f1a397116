import Redis from 'ioredis';
import { DeliveryRepository } from '../src/modules/notifications/delivery.repository';
import { notificationId } from '../src/modules/notifications/notification-jobs';
import { deleteRedisKeys, startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { freePort, startSmtp } from './support/notifications';

describe('deliveries', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['bob@example.com', 'carol@example.com'] }] });
    await permitPolicy(tenant, 'dave', 'ssh', { name: 'auto' });
  });
  afterAll(async () => {
    await t.close();
    await smtp?.close();
  });

  const request = (principal: string, actionId: string) =>
    tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user(principal), action: action(actionId), resource: host('db1'), requester_email: `${principal}@example.com` } });

  it('loses no notification when Redis loses its data, lists failures, and redelivers', async () => {
    const pending = [await request('alice', 'sudo'), await request('alice', 'sudo'), await request('alice', 'sudo')];
    const granted = [await request('dave', 'ssh'), await request('dave', 'ssh'), await request('dave', 'ssh')];
    expect([...pending, ...granted].map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const deliveries = t.app.get(DeliveryRepository);
    const keys = [
      ...pending.flatMap((r) => ['bob@example.com', 'carol@example.com'].map((recipient) => notificationId({ kind: 'approver_link', tenantId: tenant.id, grantId: r.body.id, recipient }))),
      ...granted.map((r) => notificationId({ kind: 'requester', tenantId: tenant.id, grantId: r.body.id, event: 'grant.activated' })),
    ];
    // SMTP is down: every delivery fails and waits for its retry in Redis.
    await waitFor(() => Promise.all(keys.map((key) => deliveries.find(tenant.id, key))), (rows) => rows.every((row) => row?.status === 'failed'), 30_000);

    const failed = await tenant.admin({ method: 'GET', url: '/v1/deliveries?status=failed&limit=500' });
    expect(failed.status).toBe(200);
    expect(failed.body.data.map((d: { key: string }) => d.key).sort()).toEqual([...keys].sort());
    expect(failed.body.data[0]).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'failed', attempts: expect.any(Number), last_error: expect.any(String), grant_id: expect.any(String) });
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/deliveries?status=failed' })).status).toBe(200);
    expect((await tenant.admin({ method: 'GET', url: '/v1/deliveries?status=lost' })).status).toBe(400);

    // Redis loses everything this deployment had: queued retries, delayed jobs, the sweep scheduler.
    await deleteRedisKeys(t.config.redisUrl, t.config.redisPrefix);
    smtp = await startSmtp(port);
    const server = smtp;
    const mails = await waitFor(async () => server.received, (m) => m.length >= keys.length, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const recipients = mails.map((m) => m.to[0]).sort();
    expect(recipients).toEqual([...Array(3).fill('bob@example.com'), ...Array(3).fill('carol@example.com'), ...Array(3).fill('dave@example.com')]);
    const rows = await Promise.all(keys.map((key) => deliveries.find(tenant.id, key)));
    expect(rows.every((row) => row?.status === 'sent')).toBe(true);

    // Redelivery: only a failed delivery, by an admin.
    const sent = (await tenant.admin({ method: 'GET', url: '/v1/deliveries?status=sent&limit=1' })).body.data[0];
    expect((await tenant.admin({ method: 'POST', url: `/v1/deliveries/${sent.id}/redeliver` })).status).toBe(409);
    expect((await tenant.as('auditor')({ method: 'POST', url: `/v1/deliveries/${sent.id}/redeliver` })).status).toBe(403);
    expect((await tenant.admin({ method: 'POST', url: '/v1/deliveries/00000000-0000-4000-8000-000000000000/redeliver' })).status).toBe(404);
  }, 120_000);

  it('delivers a notification whose job Redis kept only in part (the hash, no queue state)', async () => {
    const other = await createTenant(t, 'partial');
    await permitPolicy(other, 'frank', 'ssh', { name: 'auto' });
    const grant = await other.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('frank'), action: action('ssh'), resource: host('h'), requester_email: 'frank@example.com' } });
    const key = notificationId({ kind: 'requester', tenantId: other.id, grantId: grant.body.id, event: 'grant.activated' });
    const deliveries = t.app.get(DeliveryRepository);
    smtp?.received.splice(0);
    await smtp?.close();
    smtp = undefined;
    await waitFor(() => deliveries.find(other.id, key), (row) => row?.status === 'failed', 30_000);

    // Every list and set of the queue goes, the job's own hash stays: BullMQ alone would treat a re-add as a duplicate.
    const queueKey = `${t.config.redisPrefix}:bull:notifications`;
    const redis = new Redis(t.config.redisUrl);
    try {
      const lists = ['wait', 'paused', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'marker', 'stalled', 'events', 'meta', 'pc'];
      await redis.del(...lists.map((name) => `${queueKey}:${name}`));
      expect(await redis.exists(`${queueKey}:${key}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    smtp = await startSmtp(port);
    const server = smtp;
    const mails = await waitFor(async () => server.received, (m) => m.some((mail) => mail.to[0] === 'frank@example.com'), 30_000);
    expect(mails.filter((mail) => mail.to[0] === 'frank@example.com')).toHaveLength(1);
    await waitFor(() => deliveries.find(other.id, key), (row) => row?.status === 'sent', 10_000);
  }, 90_000);

  it('redelivers a failed delivery at once, with fresh retries', async () => {
    const other = await createTenant(t, 'hooks');
    // A webhook receiver that refuses: the delivery fails and keeps retrying with backoff.
    const refusing = await freePort();
    const channel = await other.admin({ method: 'POST', url: '/v1/notification-channels', body: { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${refusing}/hook`, secret: 'webhook-secret-0123456789abcdef-XYZ' }, event_filters: ['grant.activated'] } });
    expect(channel.status).toBe(201);
    await permitPolicy(other, 'erin', 'ssh', { notification_channel: 'hook' });
    const grant = await other.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('erin'), action: action('ssh'), resource: host('h') } });
    const key = notificationId({ kind: 'channel_event', tenantId: other.id, grantId: grant.body.id, channelId: channel.body.id, event: 'grant.activated' });
    const deliveries = t.app.get(DeliveryRepository);
    await waitFor(() => deliveries.find(other.id, key), (row) => row?.status === 'failed', 30_000);
    const listed = await other.admin({ method: 'GET', url: '/v1/deliveries?status=failed' });
    const failed = listed.body.data.find((d: { key: string }) => d.key === key);
    expect(failed.kind).toBe('webhook.event');

    const hits: string[] = [];
    const { createServer } = await import('node:http');
    const receiver = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(refusing, '127.0.0.1', resolve));
    try {
      const redelivered = await other.admin({ method: 'POST', url: `/v1/deliveries/${failed.id}/redeliver` });
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toEqual({ id: failed.id, status: 'queued' });
      await waitFor(() => deliveries.find(other.id, key), (row) => row?.status === 'sent', 15_000);
      expect(hits).toEqual(['/hook']);
      const audit = await other.admin({ method: 'GET', url: '/v1/audit/events?action=delivery.redelivered' });
      expect(audit.body.data).toHaveLength(1);
    } finally {
      receiver.close();
    }
  }, 90_000);
});
