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

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({ REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    const channel = { name: 'provisioning', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } };
    expect((await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: channel })).status).toBe(201);
    await permitPolicy(tenant, 'alice', 'ssh', { notification_channel: 'provisioning' });
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
