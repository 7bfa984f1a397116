import fc from 'fast-check';
import { Client } from 'pg';
import type { BusMessage } from '../src/infra/redis/bus-topics';
import { InvalidationBus } from '../src/infra/redis/invalidation-bus';
import { accessKey, TenantGrants } from '../src/modules/access/access-cache';
import type { GrantStatus } from '../src/modules/grants/grant-state';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

/** PRODUCT.md sections 10 and 14: the access check answers like the database, in every process, whatever came first. */
describe('access cache and the grant lifecycle', () => {
  let t: TestApp;
  let second: TestApp;
  let tenant: TestTenant;
  let db: Client;
  const published: BusMessage<'grant'>[] = [];

  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'all' });
    second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PROCESS_ROLE: 'api' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }] });
    await permitPolicy(tenant, 'alice', 'ssh', { max_duration_seconds: 7200 });
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    t.app.get(InvalidationBus).on('grant', (message) => {
      if (message) published.push(message);
    });
  });
  afterAll(async () => {
    await db.end();
    await second.app.close();
    await t.close();
  });

  const triple = (actionId: string, resource: string) => ({ principal: user('alice'), action: action(actionId), resource: host(resource) });
  const check = (via: TestApp, actionId: string, resource: string) =>
    via.request({ method: 'POST', url: '/v1/access/check', headers: { 'x-api-key': tenant.keys.auditor, 'x-tenant-id': tenant.id }, body: triple(actionId, resource) });

  it('allows an approved grant in processes whose cache was warm before the request (fault 1 of issue 10)', async () => {
    expect((await check(t, 'sudo', 'db1')).body.allowed).toBe(false);
    expect((await check(second, 'sudo', 'db1')).body.allowed).toBe(false);
    const requested = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: triple('sudo', 'db1') });
    expect(requested.body.status).toBe('pending_approval');
    expect((await check(t, 'sudo', 'db1')).body.allowed).toBe(false);
    const approved = await tenant.as('approver')({
      method: 'POST',
      url: `/v1/grants/${requested.body.id}/approvals`,
      body: { approver_email: 'boss@example.com', decision: 'approve' },
    });
    expect(approved.body.status).toBe('active');
    expect((await check(t, 'sudo', 'db1')).body).toMatchObject({ allowed: true, grant_id: requested.body.id });
    let seen = await check(second, 'sudo', 'db1');
    for (let i = 0; i < 20 && !seen.body.allowed; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await check(second, 'sudo', 'db1');
    }
    expect(seen.body).toMatchObject({ allowed: true, grant_id: requested.body.id });
  });

  it('rebuilds the database state from the published changes, in any order and duplicated (property)', async () => {
    type Op = { kind: 'request' | 'request_pending'; resource: number } | { kind: 'approve' | 'revoke' | 'extend' | 'cancel'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constantFrom('request' as const, 'request_pending' as const), resource: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constantFrom('approve' as const, 'revoke' as const, 'extend' as const, 'cancel' as const), pick: fc.nat() }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), async (ops, shuffle) => {
        run += 1;
        const ids: string[] = [];
        published.length = 0;
        for (const o of ops) {
          if (o.kind === 'request' || o.kind === 'request_pending') {
            const body = triple(o.kind === 'request' ? 'ssh' : 'sudo', `p${run}-${o.resource}`);
            const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { ...body, duration_seconds: 600 } });
            ids.push(created.body.id as string);
          } else if (ids.length > 0 && 'pick' in o) {
            const id = ids[o.pick % ids.length];
            if (o.kind === 'approve') {
              await tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: 'boss@example.com', decision: 'approve' } });
            } else if (o.kind === 'extend') {
              await tenant.admin({ method: 'POST', url: `/v1/grants/${id}/extend`, body: { duration_seconds: 60 } });
            } else {
              await tenant.admin({ method: 'POST', url: `/v1/grants/${id}/${o.kind}`, body: {} });
            }
          }
        }
        const delivery = [...published, ...published.filter((_, i) => shuffle[i % 64] % 3 === 0)];
        for (let i = delivery.length - 1; i > 0; i -= 1) {
          const j = shuffle[i % 64] % (i + 1);
          [delivery[i], delivery[j]] = [delivery[j], delivery[i]];
        }
        const cache = new TenantGrants();
        for (const message of delivery) {
          const { data } = message;
          cache.apply({ id: message.id, ...data, status: data.status as GrantStatus, expiresAt: data.expires_at ? Date.parse(data.expires_at) : null, auditSession: data.audit_session });
        }
        for (const actionId of ['ssh', 'sudo']) {
          for (const resource of [0, 1]) {
            const target = triple(actionId, `p${run}-${resource}`);
            const { rows } = await db.query(
              `SELECT id, expires_at FROM grants WHERE tenant_id = $1 AND status = 'active' AND action_id = $2 AND resource_id = $3 AND expires_at > now()
               ORDER BY expires_at DESC LIMIT 1`,
              [tenant.id, actionId, target.resource.id],
            );
            const cached = cache.find(accessKey(target.principal, target.action, target.resource));
            expect(cached ? cached.expiresAt : null).toBe(rows[0] ? (rows[0].expires_at as Date).getTime() : null);
            // The other process hears of each change over Redis: it must agree within the bound of section 14.
            const deadline = Date.now() + 2000;
            let other = await check(second, actionId, target.resource.id);
            while (other.body.allowed !== rows.length > 0 && Date.now() < deadline) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              other = await check(second, actionId, target.resource.id);
            }
            expect(other.body.allowed).toBe(rows.length > 0);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});
