import { call, retrying, createTenant, createWorld, inBatches, percentile, permitPolicy, requestGrant, sleep, uid, until, World } from './support/world';

const GRANTS = 1000;

/**
 * Scenario 1: the worker is SIGKILLed with 1,000 grants due and restarted 10 s later. Every grant ends exactly
 * once, the access check (served by a separate API process) never allows one after its expires_at, and the
 * lateness (ended_at - expires_at) is printed.
 */
describe('worker killed with grants due', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('ends every grant exactly once after the worker comes back, and never allows one past expires_at', async () => {
    const env = { SWEEP_INTERVAL_SECONDS: '5', SMTP_URL: 'smtp://127.0.0.1:9' };
    const api = await world.start('api', { ...env, PROCESS_ROLE: 'api' });
    const worker = await world.start('worker', { ...env, PROCESS_ROLE: 'worker' });
    const tenant = await createTenant(api);
    await permitPolicy(api, tenant, 'ssh');

    const created = await inBatches(GRANTS, 10, (i) => retrying(() => requestGrant(api, tenant, `u${i}`, 'ssh', { duration_seconds: 15 })));
    expect(created.filter((r) => r.status !== 201)).toEqual([]);
    const grants = created.map((r, i) => ({ id: r.body.id as string, principal: `u${i}`, expiresAt: Date.parse(r.body.expires_at) }));

    worker.signal('SIGKILL');
    await worker.exited;
    const killedAt = Date.now();

    // While the worker is away, grants pass their expires_at: the check must say no for every one of them.
    const allowedLate: string[] = [];
    const sample = grants.filter((_, i) => i % 20 === 0);
    while (Date.now() < killedAt + 10_000) {
      await Promise.all(
        sample.map(async (grant) => {
          const asked = Date.now();
          const check = await call(api, 'POST', '/v1/access/check', { key: tenant.admin, tenant: tenant.id, body: { principal: uid('User', grant.principal), action: uid('Action', 'ssh'), resource: uid('Host', 'h') } });
          if (check.body?.allowed === true && asked > grant.expiresAt) allowedLate.push(grant.id);
        }),
      );
      await sleep(250);
    }
    await world.start('worker', { ...env, PROCESS_ROLE: 'worker' });
    const lastDue = Math.max(...grants.map((g) => g.expiresAt));
    await until(
      () => world.pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM grants WHERE status = 'active'`),
      (rows) => rows[0].n === '0',
      Math.max(0, lastDue - Date.now()) + 60_000,
      'every grant to end',
    );

    const ended = await world.pg.query<{ id: string; status: string; lateness: number }>(
      `SELECT id::text, status, EXTRACT(EPOCH FROM (ended_at - expires_at)) * 1000 AS lateness FROM grants`,
    );
    expect(ended).toHaveLength(GRANTS);
    expect(ended.filter((g) => g.status !== 'expired')).toEqual([]);
    const events = await world.pg.query<{ target_id: string; n: string }>(
      `SELECT target_id, count(*)::text AS n FROM audit_events WHERE action = 'grant.expired' GROUP BY target_id`,
    );
    expect(events).toHaveLength(GRANTS);
    expect(events.filter((e) => e.n !== '1')).toEqual([]);
    expect(allowedLate).toEqual([]);
    const lateness = ended.map((g) => Number(g.lateness));
    process.stdout.write(
      `worker kill: ${GRANTS} grants ended once each; lateness p50 ${Math.round(percentile(lateness, 50))} ms, p99 ${Math.round(percentile(lateness, 99))} ms, max ${Math.round(Math.max(...lateness))} ms (worker down ${Math.round((Date.now() - killedAt) / 1000)} s before the last ended)\n`,
    );
  });
});
