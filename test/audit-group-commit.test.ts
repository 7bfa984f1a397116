import { Client } from 'pg';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { AuditPendingRepository } from '../src/modules/audit/audit-pending.repository';
import { GrantExpiry } from '../src/modules/grants/grant-expiry';
import { startTestApp } from './support/app';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

const GRANTS = 20;

describe('audit group commit (staged events, chained after commit)', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let db: Client;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    db = new Client({ connectionString: t.config.databaseUrl });
    // The database is dropped (WITH FORCE) when the file ends, possibly before this client has closed.
    db.on('error', () => undefined);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
  });

  const seqs = async () => (await db.query('SELECT seq::int AS seq, action, target_id FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id])).rows;
  const staged = async () => Number((await db.query('SELECT count(*) FROM audit_pending WHERE tenant_id = $1', [tenant.id])).rows[0].count);
  const stage = (targetId: string) =>
    t.app.get(PrismaService).$transaction((tx) =>
      t.app.get(AuditPendingRepository).stage(tx, tenant.id, [{ actor: { type: 'system', id: null }, action: 'test.staged', targetType: 'test', targetId, data: { n: 1 } }]),
    );

  it('answers each grant request once its events are in the chain, gap-free, with direct appends interleaved', async () => {
    const requests = Array.from({ length: GRANTS }, (_v, i) =>
      tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host(`gc${i}`) } }),
    );
    const keys = Array.from({ length: 5 }, (_v, i) => tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: `gc-${i}`, role: 'requester' } }));
    const responses = await Promise.all([...requests, ...keys]);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    // Straight from the tables, without any read that would chain first.
    expect(await staged()).toBe(0);
    const rows = await seqs();
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
    for (const response of responses.slice(0, GRANTS)) {
      const mine = rows.filter((row) => row.target_id === response.body.id).map((row) => row.action);
      expect(mine).toEqual(['grant.requested', 'grant.activated']);
    }
    const head = await db.query('SELECT seq::int AS seq FROM audit_heads WHERE tenant_id = $1', [tenant.id]);
    expect(head.rows[0].seq).toBe(rows.length);
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body).toEqual({ valid: true, events_checked: rows.length });
  }, 120_000);

  it('stays gap-free when two processes chain one tenant at once: a pass whose head moved falls back to the head lock', async () => {
    const second = await startTestApp({ DATABASE_URL: t.config.databaseUrl, REDIS_PREFIX: t.config.redisPrefix, PROCESS_ROLE: 'api' });
    try {
      const body = (name: string) => ({ principal: user('alice'), action: action('ssh'), resource: host(name) });
      const headers = { 'x-api-key': tenant.keys.admin, 'x-tenant-id': tenant.id };
      const responses = await Promise.all(
        Array.from({ length: GRANTS }, (_v, i) => [
          tenant.admin({ method: 'POST', url: '/v1/grants', body: body(`one${i}`) }),
          second.request({ method: 'POST', url: '/v1/grants', headers, body: body(`two${i}`) }),
        ]).flat(),
      );
      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
      expect(await staged()).toBe(0);
      const rows = await seqs();
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
      for (const response of responses) {
        expect(rows.filter((row) => row.target_id === response.body.id).map((row) => row.action)).toEqual(['grant.requested', 'grant.activated']);
      }
      expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body).toEqual({ valid: true, events_checked: rows.length });
    } finally {
      await second.app.close();
    }
  }, 120_000);

  it('chains events committed before a direct append ahead of it: a change after a grant request never precedes its events', async () => {
    // A request whose process stopped between its commit and its pass (or whose pass lost the head lock to this
    // append): its events are staged when a later change appends under the head lock.
    const [event] = await t.app.get(PrismaService).$transaction((tx) =>
      t.app.get(AuditPendingRepository).stage(tx, tenant.id, [{ actor: { type: 'system', id: null }, action: 'test.before_append', targetType: 'test', targetId: 'committed-first', data: {} }]),
    );
    const key = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'after-staged', role: 'requester' } });
    expect(key.status).toBe(201);
    expect(await staged()).toBe(0);
    const rows = await seqs();
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
    const stagedAt = rows.findIndex((row) => row.target_id === 'committed-first');
    expect(stagedAt).toBe(rows.length - 2);
    expect(rows[stagedAt].action).toBe('test.before_append');
    expect(event.id).toBeDefined();
  });

  it('chains events committed before an expiry pass ahead of its grant.expired events', async () => {
    const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('ends'), duration_seconds: 60 } });
    expect(grant.status).toBe(201);
    await waitFor(staged, (n) => n === 0, 5_000);
    await db.query(`UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = $1`, [grant.body.id]);
    const [event] = await t.app.get(PrismaService).$transaction((tx) =>
      t.app.get(AuditPendingRepository).stage(tx, tenant.id, [{ actor: { type: 'system', id: null }, action: 'test.before_expiry', targetType: 'test', targetId: 'before-expiry', data: {} }]),
    );
    expect(await t.app.get(GrantExpiry).expireDue(tenant.id)).toBe(1);
    expect(await staged()).toBe(0);
    // The pass's outbox row was written with its event and removed once the effects went out (after, in a batch).
    const outbox = async () => (await db.query('SELECT count(*)::int AS n FROM grant_effects WHERE grant_id = $1', [grant.body.id])).rows[0].n as number;
    expect(await waitFor(outbox, (n) => n === 0, 2000)).toBe(0);
    const ended = await db.query(`SELECT status FROM grants WHERE id = $1`, [grant.body.id]);
    expect(ended.rows[0].status).toBe('expired');
    const rows = await seqs();
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
    expect(rows.slice(-2).map((row) => [row.action, row.target_id])).toEqual([
      ['test.before_expiry', 'before-expiry'],
      ['grant.expired', grant.body.id],
    ]);
    expect(event.id).toBeDefined();
    const verified = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
  });

  it('chains an event staged by a process that stopped before chaining: at the next audit read', async () => {
    const [event] = await stage('left-behind');
    expect(await staged()).toBe(1);
    const listed = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events?action=test.staged' });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([event.id]);
    expect(await staged()).toBe(0);
    const verified = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' });
    expect(verified.body.valid).toBe(true);
  });

  it('chains it without any read too, by the periodic pass', async () => {
    const [event] = await stage('swept');
    const rows = await waitFor(seqs, (all) => all.some((row) => row.target_id === 'swept'), 10_000);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
    expect(await staged()).toBe(0);
    expect(rows[rows.length - 1].target_id).toBe('swept');
    expect(event.id).toBeDefined();
  });
});
