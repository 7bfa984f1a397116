import { startSmtp } from '../support/notifications';
import { createTenant, retrying, createWorld, freePort, inBatches, permitPolicy, requestGrant, sleep, until, World } from './support/world';

/** Scenario 4: the SMTP server is down for 60 s; afterwards every email is delivered, exactly once. */
describe('SMTP down for 60 s', () => {
  let world: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;

  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('delivers every email exactly once once the server is back', async () => {
    const port = await freePort();
    const service = await world.start('all', { SMTP_URL: `smtp://127.0.0.1:${port}`, REMINDER_INTERVAL_SECONDS: '86400', EXPIRY_NOTICE_LEAD_SECONDS: '0' });
    const tenant = await createTenant(service);
    await permitPolicy(service, tenant, 'ssh');
    await permitPolicy(service, tenant, 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['boss1@example.com', 'boss2@example.com'] }] });
    const downSince = Date.now();
    const created = [
      ...(await inBatches(20, 5, (i) => retrying(() => requestGrant(service, tenant, `p${i}`, 'sudo', { requester_email: `p${i}@example.com` })))),
      ...(await inBatches(20, 5, (i) => retrying(() => requestGrant(service, tenant, `a${i}`, 'ssh', { requester_email: `a${i}@example.com` })))),
    ];
    expect(created.filter((r) => r.status !== 201)).toEqual([]);
    const expected = 20 * 2 + 20;

    await until(
      () => world.pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM deliveries WHERE status = 'failed'`),
      (rows) => Number(rows[0].n) === expected,
      30_000,
      'every delivery to fail while SMTP is down',
    );
    await sleep(Math.max(0, downSince + 60_000 - Date.now()));
    smtp = await startSmtp(port);
    const server = smtp;
    await until(async () => server.received.length, (n) => n >= expected, 180_000, `${expected} emails`);
    await sleep(5000);
    expect(server.received).toHaveLength(expected);
    const keys = server.received.map((m) => `${m.to.join(',')} ${/[0-9a-f-]{36}/.exec(m.body)?.[0] ?? ''}`);
    expect(new Set(keys).size).toBe(expected);
    const rows = await world.pg.query<{ status: string; n: string }>(`SELECT status, count(*)::text AS n FROM deliveries GROUP BY status`);
    expect(rows).toEqual([{ status: 'sent', n: String(expected) }]);
    process.stdout.write(`smtp down: ${expected} emails delivered once each, the last ${Math.round((Date.now() - downSince) / 1000)} s after the outage began\n`);
  });
});
