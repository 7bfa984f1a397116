import { startTestApp, TestApp } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

describe('access check', () => {
  const t = useTestApp({ SWEEP_INTERVAL_SECONDS: '1' });
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
    await permitPolicy(tenant, 'alice', 'ssh');
    await permitPolicy(other, 'alice', 'ssh');
  });

  const target = (resource: string) => ({ principal: user('alice'), action: action('ssh'), resource: host(resource) });
  const check = (who: TestTenant, resource: string, via: TestApp = t) =>
    via.request({ method: 'POST', url: '/v1/access/check', headers: { 'x-api-key': who.keys.auditor, 'x-tenant-id': who.id }, body: target(resource) });

  it('allows during the window and not after expiry', async () => {
    expect((await check(tenant, 'web1')).body).toEqual({ allowed: false, grant_id: null, expires_at: null, audit_session: false });
    const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { ...target('web1'), duration_seconds: 2 } });
    const during = await check(tenant, 'web1');
    expect(during.body).toEqual({ allowed: true, grant_id: grant.body.id, expires_at: grant.body.expires_at, audit_session: grant.body.audit_session });
    const after = await waitFor(() => check(tenant, 'web1'), (r) => r.body.allowed === false);
    expect(after.body.allowed).toBe(false);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(grant.body.expires_at));
  });

  it('says no at once after a revoke in this process', async () => {
    const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: target('web2') });
    expect((await check(tenant, 'web2')).body.allowed).toBe(true);
    await tenant.admin({ method: 'POST', url: `/v1/grants/${grant.body.id}/revoke`, body: { reason: 'x' } });
    expect((await check(tenant, 'web2')).body.allowed).toBe(false);
  });

  it('never answers for another tenant', async () => {
    await tenant.admin({ method: 'POST', url: '/v1/grants', body: target('web3') });
    expect((await check(tenant, 'web3')).body.allowed).toBe(true);
    expect((await check(other, 'web3')).body.allowed).toBe(false);
  });

  it('stays coherent across processes: another API process learns of a revoke within a second', async () => {
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PROCESS_ROLE: 'api' });
    try {
      const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: target('web4') });
      expect((await check(tenant, 'web4', second)).body.allowed).toBe(true);
      await tenant.admin({ method: 'POST', url: `/v1/grants/${grant.body.id}/revoke`, body: {} });
      const seen = await waitFor(() => check(tenant, 'web4', second), (r) => r.body.allowed === false, 1000);
      expect(seen.body.allowed).toBe(false);
      const fresh = await tenant.admin({ method: 'POST', url: '/v1/grants', body: target('web5') });
      const allowed = await waitFor(() => check(tenant, 'web5', second), (r) => r.body.allowed === true, 1000);
      expect(allowed.body.grant_id).toBe(fresh.body.id);
    } finally {
      await second.app.close();
    }
  });

  it('validates the body', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/v1/access/check',
      headers: { 'x-api-key': tenant.keys.auditor, 'x-tenant-id': tenant.id },
      body: { principal: { type: 'User' }, action: action('ssh'), resource: host('x') },
    });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.details.fields)).toEqual(['principal.id']);
  });

  describe('batch', () => {
    const batch = (who: TestTenant, body: unknown, headers: Record<string, string> = {}) =>
      t.request({ method: 'POST', url: '/v1/access/check/batch', headers: { 'x-api-key': who.keys.auditor, 'x-tenant-id': who.id, ...headers }, body });

    it('answers each triple in order, like the single check', async () => {
      const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: target('batch1') });
      const response = await batch(tenant, { checks: [target('batch-none'), target('batch1'), target('batch-none'), target('batch1')] });
      expect(response.status).toBe(200);
      const allowed = { allowed: true, grant_id: grant.body.id, expires_at: grant.body.expires_at, audit_session: grant.body.audit_session };
      const denied = { allowed: false, grant_id: null, expires_at: null, audit_session: false };
      expect(response.body).toEqual({ results: [denied, allowed, denied, allowed] });
      expect((await check(tenant, 'batch1')).body).toEqual(allowed);
      expect((await batch(other, { checks: [target('batch1')] })).body.results).toEqual([denied]);
      await tenant.admin({ method: 'POST', url: `/v1/grants/${grant.body.id}/revoke`, body: {} });
      expect((await batch(tenant, { checks: [target('batch1')] })).body.results).toEqual([denied]);
    });

    it('takes up to 100 triples and names the offending field of any', async () => {
      const hundred = await batch(tenant, { checks: Array.from({ length: 100 }, (_v, i) => target(`h${i}`)) });
      expect(hundred.status).toBe(200);
      expect(hundred.body.results).toHaveLength(100);
      const tooMany = await batch(tenant, { checks: Array.from({ length: 101 }, (_v, i) => target(`h${i}`)) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.code).toBe('invalid_input');
      expect(Object.keys(tooMany.body.details.fields)).toEqual(['checks']);
      const bad = await batch(tenant, { checks: [target('a'), { ...target('b'), principal: { type: 'User' } }] });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.details.fields)).toEqual(['checks.1.principal.id']);
      expect((await batch(tenant, { checks: [] })).status).toBe(400);
    });

    it('authenticates like the single check', async () => {
      expect((await batch(tenant, { checks: [target('a')] }, { 'x-api-key': 'jit_nope' })).status).toBe(401);
      const mismatch = await batch(tenant, { checks: [target('a')] }, { 'x-tenant-id': other.id });
      expect(mismatch.status).toBe(403);
      expect(mismatch.body.code).toBe('tenant_mismatch');
    });
  });
});
