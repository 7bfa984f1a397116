import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { ApiKeysRepository } from '../src/modules/api-keys/api-keys.repository';
import { ApiKeysService } from '../src/modules/api-keys/api-keys.service';
import { ChangeFeed } from '../src/modules/tenant-state/change-feed';
import { TenantStateRepository } from '../src/modules/tenant-state/tenant-state.repository';
import { startTestApp, TestApp } from './support/app';
import { createApiKey, createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';
import { useTestApp } from './support/use-test-app';

/**
 * PRODUCT.md section 14: a revoked key is refused everywhere within the bound even when its message is lost. The
 * change feed is then the only way a process learns of it, so the feed must drop every key row read before it read
 * the counters that show the revocation, including rows read while the poll was already running.
 */
describe('key revocation through the change feed alone', () => {
  const a = useTestApp({ PROCESS_ROLE: 'all' });
  let b: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    b = await startTestApp({ DATABASE_URL: a.config.databaseUrl, REDIS_PREFIX: a.config.redisPrefix, PROCESS_ROLE: 'api', CHANGE_POLL_INTERVAL_MS: '1500' });
    tenant = await createTenant(a);
  });

  afterAll(async () => {
    await b.close();
  });

  it('refuses a key read during the poll that first sees its revocation, with the revocation message lost', async () => {
    const busOfA = a.app.get(InvalidationBus);
    const publish = busOfA.publish.bind(busOfA);
    // A commits the revocation but its message reaches no process (A's own cache is not the one under test).
    const lost = jest.spyOn(busOfA, 'publish').mockImplementation(async (message) => (message.topic === 'api-key' ? false : publish(message)));
    const keysOfB = b.app.get(ApiKeysService);
    const feedOfB = b.app.get(ChangeFeed);
    const stateOfB = b.app.get(TenantStateRepository);
    try {
      // B watches the tenant (a key of it is cached there) and has polled its counters once.
      expect(await keysOfB.authenticate(tenant.keys.auditor)).toMatchObject({ tenantId: tenant.id });
      await feedOfB.poll();
      const key = await createApiKey(a, tenant.id, 'checker');
      const keyId = key.split('_')[1];
      const findMany = stateOfB.findMany.bind(stateOfB);
      // The poll has started: B reads and proves the key, A revokes it, then the poll reads the counters.
      jest.spyOn(stateOfB, 'findMany').mockImplementationOnce(async (tenantIds) => {
        // In a later millisecond than the poll's start, so the read is one a cut-off at the start would keep.
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await keysOfB.authenticate(key)).toMatchObject({ tenantId: tenant.id, keyId });
        const revoked = await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${keyId}` });
        expect(revoked.status).toBe(204);
        return findMany(tenantIds);
      });
      await feedOfB.poll();
      expect(await keysOfB.authenticate(key)).toBeNull();
      expect(lost).toHaveBeenCalledWith(expect.objectContaining({ topic: 'api-key', id: keyId }));
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('keeps the tenant\'s cached keys when only its grant revocations or policy version moved', async () => {
    const keysOfB = b.app.get(ApiKeysService);
    const feedOfB = b.app.get(ChangeFeed);
    const repository = (keysOfB as unknown as { keys: ApiKeysRepository }).keys;
    expect(await keysOfB.authenticate(tenant.keys.auditor)).toMatchObject({ tenantId: tenant.id });
    await feedOfB.poll();
    await permitPolicy(tenant, 'alice', 'ssh');
    const granted = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('kept') } });
    expect((await tenant.admin({ method: 'POST', url: `/v1/grants/${granted.body.id}/revoke`, body: {} })).status).toBe(200);
    const reads = jest.spyOn(repository, 'findForAuthentication');
    try {
      await feedOfB.poll();
      expect(await keysOfB.authenticate(tenant.keys.auditor)).toMatchObject({ tenantId: tenant.id });
      expect(reads).not.toHaveBeenCalled();
      // A key revocation still drops them.
      const other = await createApiKey(a, tenant.id, 'auditor');
      expect((await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${other.split('_')[1]}` })).status).toBe(204);
      await feedOfB.poll();
      expect(await keysOfB.authenticate(tenant.keys.auditor)).toMatchObject({ tenantId: tenant.id });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
