import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startReceiver } from './support/notifications';

const SECRET = 'receiver-secret-0123456789abcdef-XYZ';

/**
 * PRODUCT.md section 14 (fault 9 of issue 10): every grant.* event carries the grant as it was at that event, and
 * events that end a grant say whether access remains through another grant, agreeing with the access check.
 */
describe('webhook events for provisioning', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let policyId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({ REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    const channel = { name: 'provisioning', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } };
    expect((await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: channel })).status).toBe(201);
    policyId = await permitPolicy(tenant, 'alice', 'ssh', { notification_channel: 'provisioning' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const target = (resource: string) => ({ principal: user('alice'), action: action('ssh'), resource: host(resource) });
  type Body = { id: string; type: string; grant: { id: string; status: string; expires_at: string | null }; access_remains?: { grant_id: string; expires_at: string } | null };
  const events = () => receiver.hits.filter((hit) => hit.path === '/hook').map((hit) => JSON.parse(hit.body) as Body);
  const eventFor = (grantId: string, type: string) => waitFor(async () => events().find((e) => e.grant.id === grantId && e.type === type), (e) => e !== undefined);
  const check = (resource: string) => tenant.as('auditor')({ method: 'POST', url: '/v1/access/check', body: target(resource) });
  const grantOf = (resource: string, seconds: number) => tenant.admin({ method: 'POST', url: '/v1/grants', body: { ...target(resource), duration_seconds: seconds } });

  it('a revoke says which grant still covers the triple, and null once none does; the access check agrees', async () => {
    const first = (await grantOf('db1', 600)).body;
    const second = (await grantOf('db1', 1200)).body;
    await tenant.admin({ method: 'POST', url: `/v1/grants/${second.id}/revoke`, body: { reason: 'done early' } });
    const revokedSecond = await eventFor(second.id, 'grant.revoked');
    expect(revokedSecond).toMatchObject({ grant: { id: second.id, status: 'revoked' }, access_remains: { grant_id: first.id, expires_at: first.expires_at } });
    expect((await check('db1')).body).toMatchObject({ allowed: true, grant_id: first.id });
    await tenant.admin({ method: 'POST', url: `/v1/grants/${first.id}/revoke`, body: {} });
    expect(await eventFor(first.id, 'grant.revoked')).toMatchObject({ grant: { status: 'revoked' }, access_remains: null });
    expect((await check('db1')).body.allowed).toBe(false);
  });

  it('follows a change of the policy\'s channel at once, in the process that made it and in another with warm caches', async () => {
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PROCESS_ROLE: 'api', REMINDER_INTERVAL_SECONDS: '3600' });
    try {
      const viaSecond = (resource: string) => second.request({ method: 'POST', url: '/v1/grants', headers: { 'x-api-key': tenant.keys.admin, 'x-tenant-id': tenant.id }, body: { ...target(resource), duration_seconds: 60 } });
      const warmHere = (await grantOf('channel-a', 60)).body;
      const warmThere = (await viaSecond('channel-b')).body;
      await eventFor(warmHere.id, 'grant.activated');
      await eventFor(warmThere.id, 'grant.activated');
      const other = { name: 'audit-feed', type: 'webhook', config: { url: `${receiver.url}/other`, secret: SECRET } };
      expect((await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: other })).status).toBe(201);
      expect((await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policyId}`, body: { notification_channel: 'audit-feed' } })).status).toBe(200);
      const here = (await grantOf('channel-c', 60)).body;
      const there = (await viaSecond('channel-d')).body;
      const moved = await waitFor(
        async () => receiver.hits.filter((hit) => hit.path === '/other').map((hit) => (JSON.parse(hit.body) as Body).grant.id),
        (ids) => ids.includes(here.id) && ids.includes(there.id),
      );
      expect(moved).toEqual(expect.arrayContaining([here.id, there.id]));
      expect(events().filter((e) => e.grant.id === here.id || e.grant.id === there.id)).toEqual([]);
    } finally {
      await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policyId}`, body: { notification_channel: 'provisioning' } });
      await second.close();
    }
  });

  it('a late delivery still shows the grant as it was at its event', async () => {
    receiver.state.status = 503;
    const created = (await grantOf('db2', 600)).body;
    // The first attempt of grant.activated is refused; the grant is revoked before the retry delivers it.
    await eventFor(created.id, 'grant.activated');
    await tenant.admin({ method: 'POST', url: `/v1/grants/${created.id}/revoke`, body: {} });
    receiver.state.status = 200;
    const attempts = () => events().filter((e) => e.type === 'grant.activated' && e.grant.id === created.id);
    const delivered = await waitFor(async () => attempts(), (all) => all.length >= 2);
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    const activated = delivered.at(-1);
    expect(activated).toMatchObject({ type: 'grant.activated', grant: { id: created.id, status: 'active', expires_at: created.expires_at } });
    expect(activated).not.toHaveProperty('access_remains');
    expect(await eventFor(created.id, 'grant.revoked')).toMatchObject({ grant: { status: 'revoked' }, access_remains: null });
  });

  it('under concurrent revokes of the grants of one triple, exactly the last one says no access remains', async () => {
    for (let round = 0; round < 5; round += 1) {
      const grants = [(await grantOf(`race${round}`, 600)).body, (await grantOf(`race${round}`, 900)).body, (await grantOf(`race${round}`, 300)).body];
      await Promise.all(grants.map((g) => tenant.admin({ method: 'POST', url: `/v1/grants/${g.id}/revoke`, body: {} })));
      const remains = await Promise.all(
        grants.map(async (g) => {
          const audit = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${g.id}&action=grant.revoked` });
          return audit.body.data[0].data.access_remains as { grant_id: string } | null;
        }),
      );
      expect(remains.filter((r) => r === null)).toHaveLength(1);
      for (const r of remains) if (r) expect(grants.map((g) => g.id)).toContain(r.grant_id);
    }
  });
});
