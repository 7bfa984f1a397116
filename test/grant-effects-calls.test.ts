import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '../src/infra/redis/redis.module';
import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { RedisStatus } from '../src/infra/redis/redis-status';
import { bucketJobId, expiryBucket, GrantJobs } from '../src/modules/grants/grant-jobs';
import { deleteRedisKeys, startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

/** What a committed change sends to Redis: each grant's cache change once, each expiry bucket job once per connection. */
describe('grant effects: calls to Redis', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  it('publishes an auto-approved request once (its requested and activated changes carry the same grant), and its listeners hear both', async () => {
    const publish = jest.spyOn(t.app.get(InvalidationBus), 'publish');
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('once') } });
    expect(created.status).toBe(201);
    const ours = publish.mock.calls.filter(([message]) => message.topic === 'grant' && message.id === created.body.id);
    expect(ours).toHaveLength(1);
    expect(ours[0][0]).toMatchObject({ data: { status: 'active', expires_at: created.body.expires_at } });
    publish.mockRestore();
    const metrics = (await t.request({ method: 'GET', url: '/metrics' })).text;
    expect(metrics).toContain('grant_transitions_total{event="grant.requested"} 1');
    expect(metrics).toContain('grant_transitions_total{event="grant.activated"} 1');
  });

  it('adds an expiry bucket job once per Redis connection, and again once the connection was lost (the server may have restarted)', async () => {
    const jobs = t.app.get(GrantJobs);
    const queue = (jobs as unknown as { queue: Queue }).queue;
    const status = t.app.get(RedisStatus);
    const add = jest.spyOn(queue, 'add');
    const at = new Date(Date.now() + 600_000);
    const job = bucketJobId(expiryBucket(at));
    expect(await jobs.scheduleExpiry(tenant.id, at)).toBe(true);
    expect(await jobs.scheduleExpiry(tenant.id, new Date(at.getTime() - 1))).toBe(true);
    expect(add.mock.calls.filter(([, data]) => (data as { dueAt?: number }).dueAt === expiryBucket(at))).toHaveLength(1);
    expect(await queue.getJob(job)).toBeDefined();

    // Lost with the server's data: the process cannot tell unless its connection dropped, which it now does.
    await queue.remove(job);
    const connection = status.connection();
    t.app.get<Redis>(REDIS).disconnect(true);
    await waitFor(async () => status.connection(), (n) => n > connection && status.isUp(), 5000);
    expect(await jobs.scheduleExpiry(tenant.id, at)).toBe(true);
    expect(add.mock.calls.filter(([, data]) => (data as { dueAt?: number }).dueAt === expiryBucket(at))).toHaveLength(2);
    expect(await queue.getJob(job)).toBeDefined();

    // A bucket due within the margin may be running already: it is always sent again.
    const soon = new Date(Date.now() + 1000);
    await jobs.scheduleExpiry(tenant.id, soon);
    await jobs.scheduleExpiry(tenant.id, soon);
    expect(add.mock.calls.filter(([, data]) => (data as { dueAt?: number }).dueAt === expiryBucket(soon))).toHaveLength(2);
    await queue.remove(job);
    add.mockRestore();
  });

  it('adds every remembered bucket job again within a second when Redis lost them under the same connection (a FLUSHALL)', async () => {
    const jobs = t.app.get(GrantJobs);
    const queue = (jobs as unknown as { queue: Queue }).queue;
    const status = t.app.get(RedisStatus);
    const at = new Date(Date.now() + 900_000);
    const job = bucketJobId(expiryBucket(at));
    expect(await jobs.scheduleExpiry(tenant.id, at)).toBe(true);
    await jobs.checkMemo();
    const connection = status.connection();
    await deleteRedisKeys(t.config.redisUrl, t.config.redisPrefix);
    expect(await queue.getJob(job)).toBeUndefined();
    const back = await waitFor(async () => queue.getJob(job), (found) => found !== undefined, 3000);
    expect(back?.data).toEqual({ dueAt: expiryBucket(at) });
    expect(status.connection()).toBe(connection);
    await queue.remove(job);
  });
});
