import { Client } from 'pg';
import { accessLockKey } from '@/modules/grants/access-triple';
import { GrantExpiry } from '@/modules/grants/grant-expiry';
import { holdChainHead } from './support/chain-head';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

/** Bucket jobs end the due grants of all tenants in passes that never wait for a lock (ExpiryPass.across). */
describe('expiry across tenants', () => {
  // The sweep is an hour away: what ends these grants is the bucket job called here.
  const t = useTestApp({ SWEEP_INTERVAL_SECONDS: '3600' });
  let tenants: TestTenant[];
  let db: Client;

  beforeAll(async () => {
    tenants = [await createTenant(t, 'a'), await createTenant(t, 'b'), await createTenant(t, 'c')];
    for (const tenant of tenants) await permitPolicy(tenant, 'alice', 'ssh');
    db = new Client({ connectionString: t.config.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
  });

  const grant = async (tenant: TestTenant, resource: string): Promise<string> => {
    const created = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host(resource), duration_seconds: 600 } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  /** Due `ms` ago: written in SQL, so no job of their own exists for the new time. */
  const makeDue = (ids: string[], ms = 1000) => db.query(`UPDATE grants SET expires_at = now() - $2 * interval '1 millisecond' WHERE id = ANY($1::uuid[])`, [ids, ms]);
  const status = async (id: string) => (await db.query<{ status: string }>('SELECT status FROM grants WHERE id = $1', [id])).rows[0].status;
  const verify = async (tenant: TestTenant) => (await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body as { valid: boolean };
  const expiredEvent = async (tenant: TestTenant, id: string) => {
    const events = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&action=grant.expired` });
    return events.body.data as { seq: number; data: { access_remains: unknown; grant: { status: string } } }[];
  };
  const check = async (tenant: TestTenant, resource: string) =>
    (await tenant.as('requester')({ method: 'POST', url: '/v1/access/check', body: { principal: user('alice'), action: action('ssh'), resource: host(resource) } })).body.allowed as boolean;

  it('ends the due grants of several tenants in one job, each chain valid, each access_remains of its own tenant', async () => {
    // Tenant c keeps a live grant on the triple that a's and b's grants end on: it must not show in their events.
    const ending = [await grant(tenants[0], 'shared'), await grant(tenants[0], 'a2'), await grant(tenants[1], 'shared'), await grant(tenants[1], 'b2')];
    const stays = await grant(tenants[2], 'shared');
    await makeDue(ending);
    expect(await t.app.get(GrantExpiry).expireBucket(Date.now())).toEqual({ done: true });
    for (const id of ending) expect(await status(id)).toBe('expired');
    expect(await status(stays)).toBe('active');
    for (const [tenant, id] of [[tenants[0], ending[0]], [tenants[1], ending[2]]] as const) {
      const [event] = await expiredEvent(tenant, id);
      expect(event.data).toMatchObject({ access_remains: null, grant: { status: 'expired' } });
      expect(await verify(tenant)).toMatchObject({ valid: true });
      expect(await check(tenant, 'shared')).toBe(false);
    }
    expect(await check(tenants[2], 'shared')).toBe(true);
    const outbox = async () => (await db.query('SELECT count(*)::int AS n FROM grant_effects WHERE grant_id = ANY($1::uuid[])', [ending])).rows[0].n as number;
    expect(await waitFor(outbox, (n) => n === 0, 2000)).toBe(0);
  });

  /** Holds the tenant's chain head once its grants' events are chained (none staged). */
  const holdHead = async (tenant: TestTenant) => {
    await waitFor(() => db.query('SELECT count(*)::int AS n FROM audit_pending'), (r) => r.rows[0].n === 0, 5_000);
    return holdChainHead(t.config.databaseUrl, tenant.id);
  };
  /** Resolves 'waiting' if `job` has not settled within `ms`. */
  const within = <T>(job: Promise<T>, ms: number) => Promise.race([job, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms))]);

  it('ends other tenants\' grants while one tenant\'s chain head is held, without holding bucket jobs, and that tenant\'s once released', async () => {
    const [held, free] = [await grant(tenants[0], 'held'), await grant(tenants[1], 'free')];
    const later = await grant(tenants[2], 'later');
    const head = await holdHead(tenants[0]);
    try {
      await makeDue([held, free]);
      // The job answers without waiting for the held head (far below the server's lock_timeout): a job that waited
      // would hold a worker slot, and every tenant's bucket jobs would queue behind the held tenant.
      expect(await within(t.app.get(GrantExpiry).expireBucket(Date.now()), 3_000)).toEqual({ done: true });
      expect(await status(free)).toBe('expired');
      expect(await status(held)).toBe('active');
      // The next bucket's job, the head still held, ends the next tenant's grant just as well.
      await makeDue([later]);
      expect(await within(t.app.get(GrantExpiry).expireBucket(Date.now()), 3_000)).toEqual({ done: true });
      expect(await status(later)).toBe('expired');
      expect(await status(held)).toBe('active');
      await head.release();
      // The held tenant's own pass, in the background, ends its grant once the head is free.
      await waitFor(() => status(held), (s) => s === 'expired', 10_000);
    } finally {
      await head.release();
    }
    for (const tenant of tenants) expect(await verify(tenant)).toMatchObject({ valid: true });
  });

  it('ends a grant that fell due while its tenant\'s own pass was waiting for the held head', async () => {
    const [first, second] = [await grant(tenants[0], 'first'), await grant(tenants[0], 'second')];
    const head = await holdHead(tenants[0]);
    try {
      await makeDue([first]);
      // Hands the tenant to a pass of its own, which waits for the head.
      expect(await within(t.app.get(GrantExpiry).expireBucket(Date.now()), 3_000)).toEqual({ done: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Due after that pass began: the next bucket's job must not leave it to the sweep (an hour away here).
      await makeDue([second], 50);
      expect(await within(t.app.get(GrantExpiry).expireBucket(Date.now()), 3_000)).toEqual({ done: true });
      await head.release();
      await waitFor(() => status(second), (s) => s === 'expired', 5_000);
      expect(await status(first)).toBe('expired');
    } finally {
      await head.release();
    }
    expect(await verify(tenants[0])).toMatchObject({ valid: true });
  });

  it('ends a grant whose access lock another transaction holds once that transaction ends, not before', async () => {
    const id = await grant(tenants[1], 'locked');
    // The key the service takes for the triple, held by a transaction of this test.
    const key = accessLockKey(tenants[1].id, { principal: user('alice'), action: action('ssh'), resource: host('locked') });
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [key.toString()]);
      await makeDue([id], 50);
      expect(await within(t.app.get(GrantExpiry).expireBucket(Date.now()), 3_000)).toEqual({ done: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await status(id)).toBe('active');
      await holder.query('COMMIT');
      await waitFor(() => status(id), (s) => s === 'expired', 10_000);
    } finally {
      await holder.end();
    }
    // Its end is recorded when it happened, after the wait, not when the pass began.
    const ended = await db.query<{ waited: boolean }>(`SELECT ended_at > expires_at + interval '400 milliseconds' AS waited FROM grants WHERE id = $1`, [id]);
    // (The pass began about 50 ms after expires_at and waited 500 ms for the lock.)
    expect(ended.rows[0].waited).toBe(true);
  });

  it('leaves a job for a bucket still to come waiting for its time', async () => {
    const dueAt = Date.now() + 60_000;
    expect(await t.app.get(GrantExpiry).expireBucket(dueAt)).toEqual({ done: false, retryAt: new Date(dueAt) });
  });
});
