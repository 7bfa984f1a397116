import { ApiKeysRepository } from '../src/modules/api-keys/api-keys.repository';
import { ApiKeysService } from '../src/modules/api-keys/api-keys.service';
import { createApiKey, createTenant, TestTenant } from './support/factories';
import { useTestApp } from './support/use-test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A key in use is read again in the background before its cached row expires: no request of it waits for the database. */
describe('API key rows read again ahead of their TTL', () => {
  const t = useTestApp({ API_KEY_CACHE_TTL_MS: '4000' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  it('answers every request of a busy key from memory across the TTL, and a revocation still ends it', async () => {
    const keys = t.app.get(ApiKeysService);
    const reads = jest.spyOn((keys as unknown as { keys: ApiKeysRepository }).keys, 'findForAuthentication');
    const key = await createApiKey(t, tenant.id, 'auditor');
    try {
      expect(await keys.authenticate(key)).toMatchObject({ tenantId: tenant.id });
      // The change feed's first report of the tenant drops what was read before it (nothing to compare with yet).
      await sleep(1300);
      expect(await keys.authenticate(key)).toMatchObject({ tenantId: tenant.id });
      expect(reads).toHaveBeenCalledTimes(2);
      // Past 90% of the TTL and before its end: answered at once, the row read again behind it.
      await sleep(3700);
      const late = keys.authenticate(key);
      expect(late).not.toBeInstanceOf(Promise);
      expect(late).toMatchObject({ tenantId: tenant.id });
      await sleep(50);
      expect(reads).toHaveBeenCalledTimes(3);
      // Past the first read's TTL: still from memory, on the row read in the background.
      await sleep(600);
      const after = keys.authenticate(key);
      expect(after).not.toBeInstanceOf(Promise);
      expect(reads).toHaveBeenCalledTimes(3);
      // A revocation still ends the key at once.
      expect((await tenant.admin({ method: 'DELETE', url: `/v1/api-keys/${key.split('_')[1]}` })).status).toBe(204);
      expect(await keys.authenticate(key)).toBeNull();
    } finally {
      reads.mockRestore();
    }
  });
});
