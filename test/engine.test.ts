import type Redis from 'ioredis';
import { PolicyEngine } from '../src/modules/decisions/policy-engine';
import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';

const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
const request = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'ssh' },
  resource: { type: 'Host', id: 'db' },
  context: { duration_seconds: 60, justification: '', requested_at: '2026-01-01T00:00:00.000Z' },
};

async function eventually(check: () => Promise<boolean>, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('policy engine across processes', () => {
  let t: TestApp;
  let second: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await second.app.close();
    await t.close();
  });

  const decideIn = (app: TestApp) => app.app.get(PolicyEngine).evaluate(tenant.id, request);

  it('rebuilds in another process when a policy, rule or entity changes there', async () => {
    expect((await decideIn(second)).decision).toBe('deny');
    const policy = (await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'p', max_duration_seconds: 60, rules: [ANY] } })).body;
    expect(await eventually(async () => (await decideIn(second)).decision === 'allow')).toBe(true);
    const version = (await decideIn(second)).policySetVersion;

    await tenant.admin({ method: 'PATCH', url: `/v1/policies/${policy.id}/rules/${policy.rules[0].id}`, body: { principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: 'ops' } });
    expect(await eventually(async () => (await decideIn(second)).decision === 'deny')).toBe(true);
    await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [{ uid: request.principal, parents: [{ type: 'Group', id: 'ops' }] }] });
    expect(await eventually(async () => (await decideIn(second)).decision === 'allow')).toBe(true);
    expect((await decideIn(second)).policySetVersion).toBeGreaterThan(version);
  });

  it('checks the version in the database while its invalidation subscription is down', async () => {
    const bus = second.app.get(InvalidationBus);
    // The subscriber is private: closing it is how a lost Redis connection looks to the process.
    const subscriber = (bus as unknown as { subscriber: Redis }).subscriber;
    subscriber.disconnect(false);
    expect(await eventually(async () => !bus.isLive())).toBe(true);
    try {
      expect((await decideIn(second)).decision).toBe('allow');
      const policy = (await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'stop', priority: 9, max_duration_seconds: 60, rules: [{ ...ANY, effect: 'forbid' }] } })).body;
      const decision = await decideIn(second);
      expect(decision).toMatchObject({ decision: 'deny', determiningRuleIds: [policy.rules[0].id] });
    } finally {
      await subscriber.connect();
    }
  });
});
