import { Client } from 'pg';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startReceiver } from './support/notifications';

const SECRET = 'receiver-secret-0123456789abcdef-XYZ';

/**
 * PRODUCT.md section 14: a committed change is honoured by every process within the propagation bound, whatever
 * Redis did. The policy notification settings each process caches must follow the change feed like the compiled
 * policy set does, not only the invalidation bus, whose messages another process can miss (a failed publish is
 * only logged, the change stays committed).
 */
describe('policy notification settings cache', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let policyId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    tenant = await createTenant(t);
    for (const name of ['first', 'second']) {
      const created = await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body: { name, type: 'webhook', config: { url: `${receiver.url}/${name}`, secret: SECRET } } });
      expect(created.status).toBe(201);
    }
    policyId = await permitPolicy(tenant, 'alice', 'ssh', { notification_channel: 'first' });
  });
  afterAll(() => receiver.close());

  const requestGrant = async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host(`h${Math.random()}`), duration_seconds: 60 } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const pathsFor = (grantId: string) => waitFor(() => Promise.resolve([...new Set(receiver.hits.filter((hit) => hit.body.includes(grantId)).map((hit) => hit.path))]), (paths) => paths.length > 0);

  it('routes webhooks by a channel change whose bus message this process never got, within the propagation bound', async () => {
    expect(await pathsFor(await requestGrant())).toEqual(['/first']);
    // A change committed by another process whose invalidation message was lost: the row and the version move,
    // nothing is published.
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query(`UPDATE tenant_state SET policy_version = policy_version + 1 WHERE tenant_id = $1`, [tenant.id]);
      await db.query(`UPDATE policies SET notification_channel = 'second' WHERE id = $1`, [policyId]);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await pathsFor(await requestGrant())).toEqual(['/second']);
  });
});
