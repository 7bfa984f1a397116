import type Redis from 'ioredis';
import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

/**
 * PRODUCT.md section 14 (fault 6 of issue 10): a committed policy change or key revocation is honoured by every
 * process within 2 s whatever happened to Redis. Process A's publishing connection is cut, so nothing it commits
 * is announced over Redis; process B must learn of it from the change feed alone.
 */
describe('propagation without Redis messages', () => {
  let a: TestApp;
  let b: TestApp;
  let tenant: TestTenant;
  let publisher: Redis;

  beforeAll(async () => {
    a = await startTestApp({ PROCESS_ROLE: 'api' });
    b = await startTestApp({ DATABASE_URL: a.config.databaseUrl, REDIS_PREFIX: a.config.redisPrefix, PROCESS_ROLE: 'api' });
    tenant = await createTenant(a);
    await permitPolicy(tenant, 'alice', 'ssh');
    publisher = (a.app.get(InvalidationBus) as unknown as { publisher: Redis }).publisher;
  });
  afterAll(async () => {
    if (publisher.status !== 'ready') await publisher.connect().catch(() => undefined);
    await b.app.close();
    await a.close();
  });

  const onB = (key: string, options: { method: 'GET' | 'POST'; url: string; body?: unknown }) =>
    b.request({ ...options, headers: { 'x-api-key': key, 'x-tenant-id': tenant.id } });
  const simulateOnB = () => onB(tenant.keys.admin, { method: 'POST', url: '/v1/policies/simulate', body: { principal: user('alice'), action: action('ssh'), resource: host('db1') } });

  /** Polls until `done` or 2 s after `since`; returns whether it happened in time. */
  const within = async (since: number, done: () => Promise<boolean>): Promise<boolean> => {
    while (Date.now() - since <= 2000) {
      if (await done()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  };

  it('a forbid added through A decides on B within 2 s', async () => {
    expect((await simulateOnB()).body.decision).toBe('allow');
    publisher.disconnect();
    try {
      const forbid = await tenant.admin({
        method: 'POST',
        url: '/v1/policies',
        body: { name: 'freeze', priority: 1000, max_duration_seconds: 60, rules: [{ effect: 'forbid', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' }] },
      });
      expect(forbid.status).toBe(201);
      const committedAt = Date.now();
      expect(await within(committedAt, async () => (await simulateOnB()).body.decision === 'deny')).toBe(true);
      const request = await onB(tenant.keys.requester, { method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('db2') } });
      expect(request.status).toBe(403);
    } finally {
      await publisher.connect();
    }
  });

  it('a key revoked through A stops working on B within 2 s', async () => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'soon gone', role: 'auditor' } });
    const key = created.body.key as string;
    expect((await onB(key, { method: 'GET', url: '/v1/grants' })).status).toBe(200);
    publisher.disconnect();
    try {
      expect((await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${created.body.id}` })).status).toBe(204);
      const committedAt = Date.now();
      expect((await a.request({ method: 'GET', url: '/v1/grants', headers: { 'x-api-key': key, 'x-tenant-id': tenant.id } })).status).toBe(401);
      expect(await within(committedAt, async () => (await onB(key, { method: 'GET', url: '/v1/grants' })).status === 401)).toBe(true);
    } finally {
      await publisher.connect();
    }
  });
});
