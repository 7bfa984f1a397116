import Redis from 'ioredis';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

describe('rate limits', () => {
  const t = useTestApp({
    RATE_LIMIT_PER_IP: '60',
    RATE_LIMIT_PER_KEY: '25',
    RATE_LIMIT_WINDOW_SECONDS: '60',
    RATE_LIMIT_AUTH_FAILURES_PER_IP: '5',
    RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: '60',
  });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  /** Limits live in Redis under this app's prefix: clearing them starts each test with fresh windows. */
  const reset = async () => {
    const redis = new Redis(t.config.redisUrl);
    const keys = await redis.keys(`${t.config.redisPrefix}:rl:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  };
  const fromIp = (ip: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/v1/api-keys', remoteAddress: ip, headers: { 'x-api-key': tenant.keys.admin, 'x-tenant-id': tenant.id, ...headers } });

  it('limits requests per key with 429 rate_limited and Retry-After', async () => {
    await reset();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await fromIp(`10.0.0.${i}`)).statusCode);
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    const refused = await fromIp('10.0.1.1');
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'rate_limited', message: expect.any(String), details: { limit: 'key' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another key of the same tenant still has its own budget.
    const auditor = await t.app.inject({ method: 'GET', url: '/v1/grants', remoteAddress: '10.0.2.1', headers: { 'x-api-key': tenant.keys.auditor, 'x-tenant-id': tenant.id } });
    expect(auditor.statusCode).toBe(200);
  });

  it('limits requests per IP, keys or not, but never health checks', async () => {
    await reset();
    const statuses: number[] = [];
    for (let i = 0; i < 65; i += 1) statuses.push((await t.app.inject({ method: 'GET', url: '/v1/nothing', remoteAddress: '192.0.2.7' })).statusCode);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const ready = await t.app.inject({ method: 'GET', url: '/health/live', remoteAddress: '192.0.2.7' });
    expect(ready.statusCode).toBe(200);
  });

  it('limits failed authentications harder: after 5, the IP is refused even with a good key', async () => {
    await reset();
    const bad = { 'x-api-key': 'jit_00000000-0000-4000-8000-000000000000_guess', 'x-tenant-id': tenant.id };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await fromIp('198.51.100.9', bad)).statusCode);
    // Each failure is counted before its answer: the sixth is over the budget and is the first 429.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const good = await fromIp('198.51.100.9');
    expect(good.statusCode).toBe(429);
    expect(JSON.parse(good.body).details.limit).toBe('auth_failures');
    expect((await fromIp('198.51.100.10')).statusCode).toBe(200);
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.text).toMatch(/rate_limited_total\{limit="auth_failures"\} [1-9]/);
  });

  it('gives an IP at most its budget of 401s however many guesses it sends at once', async () => {
    await reset();
    const guess = (i: number) => ({ 'x-api-key': `jit_00000000-0000-4000-8000-00000000000${i % 10}_guess${i}`, 'x-tenant-id': tenant.id });
    const check = (i: number) =>
      t.app.inject({ method: 'POST', url: '/v1/access/check', remoteAddress: '198.51.100.20', headers: guess(i), payload: { principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'b' }, resource: { type: 'Host', id: 'c' } } });
    const list = (i: number) => fromIp('198.51.100.20', guess(i));
    const answers = await Promise.all(Array.from({ length: 40 }, (_v, i) => (i % 2 === 0 ? check(i) : list(i))));
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(35);
    expect(answers.filter((answer) => answer.statusCode === 429).every((answer) => JSON.parse(answer.body).details.limit === 'auth_failures')).toBe(true);
  });
});
