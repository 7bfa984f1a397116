import { call, createTenant, createWorld, permitPolicy, requestGrant, sleep, uid, until, World } from './support/world';

interface Outcome {
  kind: 'grant' | 'check';
  status: number;
  ms: number;
  error?: string;
  id?: string;
}

/**
 * Scenario 3: PostgreSQL stopped for 10 s under a bounded load of grant requests and access checks. Only 503
 * unavailable while it is away (never 500, never a request hanging past 10 s), automatic recovery, no
 * half-written grant, and an audit chain that still verifies.
 */
describe('PostgreSQL outage', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('answers 503 while PostgreSQL is down, recovers by itself, and leaves nothing half-written', async () => {
    const service = await world.start('all', { SWEEP_INTERVAL_SECONDS: '2', SMTP_URL: 'smtp://127.0.0.1:9' });
    const tenant = await createTenant(service);
    await permitPolicy(service, tenant, 'ssh');

    const outcomes: Outcome[] = [];
    let running = true;
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; running; i += 1) {
        if (i % 2 === 0) {
          const r = await requestGrant(service, tenant, `u${client}-${i}`, 'ssh', { duration_seconds: 600 }).then((x) => x);
          outcomes.push({ kind: 'grant', status: r.status, ms: r.ms, error: r.error, id: r.body?.id });
        } else {
          const r = await call(service, 'POST', '/v1/access/check', { key: tenant.admin, tenant: tenant.id, body: { principal: uid('User', `u${client}-${i - 1}`), action: uid('Action', 'ssh'), resource: uid('Host', 'h') }, timeoutMs: 30_000 });
          outcomes.push({ kind: 'check', status: r.status, ms: r.ms, error: r.error });
        }
        await sleep(20);
      }
    });

    await sleep(3000);
    world.pg.stop();
    await sleep(10_000);
    world.pg.start();
    const back = Date.now();
    await until(() => call(service, 'GET', '/health/ready'), (r) => r.status === 200, 30_000, 'readiness after PostgreSQL returned');
    await sleep(5000);
    running = false;
    await Promise.all(clients);

    const statuses = [...new Set(outcomes.map((o) => o.status))].sort();
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    process.stdout.write(`postgres outage: ${outcomes.length} requests, statuses ${statuses.join(',')}, slowest ${slowest} ms, 503s ${outcomes.filter((o) => o.status === 503).length}, recovered ${Date.now() - back} ms before the end\n`);
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
    expect(statuses.every((s) => [200, 201, 503].includes(s))).toBe(true);
    expect(outcomes.some((o) => o.status === 503)).toBe(true);
    expect(slowest).toBeLessThan(10_000);
    expect(service.process.exitCode).toBeNull();

    // Recovered: new requests succeed.
    const after = await requestGrant(service, tenant, 'after', 'ssh');
    expect(after.status).toBe(201);

    // Nothing half-written: every grant answered 201 exists, and every stored grant has its audit event.
    const created = outcomes.filter((o) => o.kind === 'grant' && o.status === 201).map((o) => o.id as string);
    const stored = await world.pg.query<{ id: string }>('SELECT id::text FROM grants');
    const storedIds = new Set(stored.map((g) => g.id));
    expect(created.filter((id) => !storedIds.has(id))).toEqual([]);
    const orphans = await world.pg.query<{ id: string }>(
      `SELECT g.id::text FROM grants g WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.target_id = g.id::text)`,
    );
    expect(orphans).toEqual([]);
    const verify = await call(service, 'GET', '/v1/audit/verify', { key: tenant.admin, tenant: tenant.id });
    expect(verify.body.valid).toBe(true);
  });
});
