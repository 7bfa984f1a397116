import { startSmtp } from '../support/notifications';
import { call, createTenant, createWorld, freePort, startRedis, until, World } from './support/world';

/**
 * Scenario 6, Redis unreachable at start: the documented behaviour is wait-and-retry. The process starts, logs one
 * structured line naming REDIS_URL, answers liveness 200 and readiness 503, serves requests (their after-commit
 * effects wait in the outbox), and becomes ready once Redis appears. Then Redis goes away while it runs: requests
 * still answer within a few seconds, one line says so, and what was owed goes out when Redis returns.
 */
describe('Redis away', () => {
  let world: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    world = await createWorld();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('starts without Redis, says so once, serves with readiness 503, recovers; and bounds requests when Redis is cut', async () => {
    await world.redis.stop();
    const redisPort = await freePort();
    const absent = await startRedis(world.dir, redisPort);
    const service = await world.start('api', { REDIS_URL: absent.url, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SWEEP_INTERVAL_SECONDS: '2', REDIS_COMMAND_TIMEOUT_MS: '1000' });

    expect((await call(service, 'GET', '/health/live')).status).toBe(200);
    const ready = await call(service, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.checks.redis).toBe('down');

    const tenant = await createTenant(service);
    const policy = await call(service, 'POST', '/v1/policies', {
      key: tenant.admin,
      tenant: tenant.id,
      body: { name: 'p', priority: 1, max_duration_seconds: 3600, rules: [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' }] },
    });
    expect(policy.status).toBe(201);
    const grant = await call(service, 'POST', '/v1/grants', {
      key: tenant.requester,
      tenant: tenant.id,
      body: { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h' }, requester_email: 'alice@example.com' },
    });
    expect(grant.status).toBe(201);
    expect(grant.ms).toBeLessThan(5000);

    const log = service.lines();
    const outage = log.filter((line) => typeof line.msg === 'string' && /Redis is unreachable/.test(line.msg));
    expect(outage).toHaveLength(1);
    expect(outage[0].redis_url).toBe(absent.url);
    expect(service.log()).not.toContain('Unhandled error event');

    // Redis appears: ready, and the email the grant owed goes out.
    await absent.start();
    await until(() => call(service, 'GET', '/health/ready'), (r) => r.status === 200, 30_000, 'readiness');
    await until(async () => smtp.received.filter((m) => m.to.includes('alice@example.com')), (m) => m.length === 1, 60_000, 'the owed email');

    // Redis is cut while the service runs: a revoke still answers promptly, and is reported.
    await absent.stop();
    const revoke = await call(service, 'POST', `/v1/grants/${grant.body.id}/revoke`, { key: tenant.admin, tenant: tenant.id, body: { reason: 'test' } });
    expect(revoke.status).toBe(200);
    expect(revoke.body.status).toBe('revoked');
    expect(revoke.ms).toBeLessThan(5000);
    const checks = await Promise.all(Array.from({ length: 20 }, () => call(service, 'POST', '/v1/access/check', { key: tenant.admin, tenant: tenant.id, body: { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h' } } })));
    expect(checks.every((c) => c.status === 200 && c.body.allowed === false && c.ms < 5000)).toBe(true);
    expect((await call(service, 'GET', '/health/ready')).status).toBe(503);

    await absent.start();
    await until(async () => smtp.received.filter((m) => m.to.includes('alice@example.com')), (m) => m.length === 2, 60_000, 'the revoke email after Redis returned');
    const outages = service.lines().filter((line) => typeof line.msg === 'string' && /Redis is unreachable/.test(line.msg));
    expect(outages).toHaveLength(2);
    expect(service.log()).not.toContain('Unhandled error event');
    await absent.stop();
  });
});
