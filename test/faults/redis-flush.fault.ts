import { startSmtp } from '../support/notifications';
import { createTenant, retrying, createWorld, inBatches, permitPolicy, requestGrant, sleep, until, World } from './support/world';

const SWEEP = 3;

/**
 * Scenario 2: Redis FLUSHALL with 200 active and 50 pending grants. Every grant still ends within two sweep
 * intervals of when it was due, and no notification is lost: every approver link, every "granted", "expired" and
 * "timed out" email is delivered exactly once (the delivery rows in PostgreSQL remember what Redis forgot).
 */
describe('Redis FLUSHALL', () => {
  let world: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    world = await createWorld();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('ends every grant within two sweep intervals and loses no notification', async () => {
    const service = await world.start('all', { SWEEP_INTERVAL_SECONDS: String(SWEEP), SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '86400', EXPIRY_NOTICE_LEAD_SECONDS: '0' });
    const tenant = await createTenant(service);
    await permitPolicy(service, tenant, 'ssh');
    await permitPolicy(service, tenant, 'sudo', { approval_required: true, approval_timeout_seconds: 60, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss1@example.com', 'boss2@example.com'] }] });

    const active = await inBatches(200, 8, (i) => retrying(() => requestGrant(service, tenant, `a${i}`, 'ssh', { duration_seconds: 60, requester_email: `a${i}@example.com` })));
    const pending = await inBatches(50, 8, (i) => retrying(() => requestGrant(service, tenant, `p${i}`, 'sudo', { requester_email: `p${i}@example.com` })));
    expect([...active, ...pending].filter((r) => r.status !== 201)).toEqual([]);
    await sleep(500);
    world.redis.flushall();
    const flushedAt = Date.now();

    const dues = await world.pg.query<{ id: string; due: Date }>(`SELECT id::text, COALESCE(expires_at, approval_deadline) AS due FROM grants`);
    const lastDue = Math.max(...dues.map((g) => new Date(g.due).getTime()));
    await until(
      () => world.pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM grants WHERE status IN ('active', 'pending_approval')`),
      (rows) => rows[0].n === '0',
      Math.max(0, lastDue - Date.now()) + 4 * SWEEP * 1000 + 10_000,
      'every grant to end',
    );
    // Grants due after the flush lost their jobs: the sweep alone ends them, within two intervals.
    const late = await world.pg.query<{ id: string; late_ms: number }>(
      `SELECT id::text, EXTRACT(EPOCH FROM (ended_at - COALESCE(expires_at, approval_deadline))) * 1000 AS late_ms FROM grants
       WHERE COALESCE(expires_at, approval_deadline) > $2 AND ended_at - COALESCE(expires_at, approval_deadline) > make_interval(secs => $1)`,
      [2 * SWEEP + 1, new Date(flushedAt)],
    );
    const dueAfterFlush = dues.filter((g) => new Date(g.due).getTime() > flushedAt).length;
    expect(dueAfterFlush).toBeGreaterThan(0);
    expect(late).toEqual([]);
    const statuses = await world.pg.query<{ status: string; n: string }>(`SELECT status, count(*)::text AS n FROM grants GROUP BY status ORDER BY status`);
    expect(statuses).toEqual([
      { status: 'expired', n: '200' },
      { status: 'timed_out', n: '50' },
    ]);

    // Emails: 100 approver links, 200 granted, 200 expired, 50 timed out; each exactly once.
    const expected = 100 + 200 + 200 + 50;
    await until(async () => smtp.received.length, (n) => n >= expected, 90_000, `${expected} emails`);
    await sleep(3 * SWEEP * 1000);
    const perRecipientAndSubject = new Map<string, number>();
    for (const mail of smtp.received) {
      const key = `${mail.to.join(',')} ${mail.subject} ${/[0-9a-f-]{36}/.exec(mail.body)?.[0] ?? ''}`;
      perRecipientAndSubject.set(key, (perRecipientAndSubject.get(key) ?? 0) + 1);
    }
    expect(smtp.received).toHaveLength(expected);
    expect([...perRecipientAndSubject.values()].filter((n) => n !== 1)).toEqual([]);
    const owed = await world.pg.query(`SELECT id, status FROM deliveries WHERE status NOT IN ('sent', 'skipped')`);
    expect(owed).toEqual([]);
    process.stdout.write(`redis flush: 250 grants ended (${dueAfterFlush} due after the flush, each within ${2 * SWEEP} s), ${expected} emails once each, ${Math.round((Date.now() - flushedAt) / 1000)} s after the flush\n`);
  });
});
