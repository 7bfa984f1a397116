import { Client } from 'pg';
import { ApprovalTokensService } from '../src/modules/approvals/approval-tokens.service';
import { GrantExpiry } from '../src/modules/grants/grant-expiry';
import { holdChainHead as holdHeadOf } from './support/chain-head';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, user, waitFor } from './support/grants';

/** PRODUCT.md section 14 and fault 5 of issue 10: an extension is decided by Cedar and, where required, approved. */
describe('extensions', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });
  let tenant: TestTenant;

  const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'eq', resource_scope_type: 'any' };
  const group = { approvals_needed: 1, email_addresses: ['boss@example.com', 'deputy@example.com'] };

  beforeAll(async () => {
    tenant = await createTenant(t);
    const policies = [
      { name: 'ssh up to an hour', max_duration_seconds: 14400, rules: [{ ...ANY, action_ids: ['ssh'], conditions: 'context.duration_seconds <= 3600' }] },
      {
        name: 'sudo with approval',
        max_duration_seconds: 14400,
        default_duration_seconds: 300,
        approval_required: true,
        approval_groups: [group],
        rules: [{ ...ANY, action_ids: ['sudo'] }],
      },
      { name: 'read, never extended', max_duration_seconds: 14400, rules: [{ ...ANY, action_ids: ['read'], conditions: '!(context has extension)' }] },
    ];
    for (const body of policies) expect((await tenant.admin({ method: 'POST', url: '/v1/policies', body })).status).toBe(201);
  });

  let resources = 0;
  const triple = (actionId: string) => ({ principal: user('alice'), action: action(actionId), resource: host(`h${(resources += 1)}`) });
  const grant = async (id: string) => (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body;
  const extend = (id: string, seconds: number, role: 'requester' | 'admin' = 'requester') =>
    tenant.as(role)({ method: 'POST', url: `/v1/grants/${id}/extend`, body: { duration_seconds: seconds, justification: 'still fixing' } });
  const decide = (id: string, approver: string, decision = 'approve') =>
    tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: approver, decision } });
  const check = (target: ReturnType<typeof triple>) => tenant.as('auditor')({ method: 'POST', url: '/v1/access/check', body: target });

  /** An active sudo grant of 5 minutes, approved by the boss. */
  const approvedSudo = async () => {
    const target = triple('sudo');
    const requested = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...target, requester_email: 'alice@example.com' } });
    expect(requested.body.status).toBe('pending_approval');
    expect((await decide(requested.body.id, 'boss@example.com')).body.status).toBe('active');
    return { id: requested.body.id as string, target, expiresAt: (await grant(requested.body.id)).expires_at as string };
  };

  it('evaluates the new total with Cedar: a condition on the duration holds for extensions', async () => {
    const target = triple('ssh');
    const created = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...target, duration_seconds: 300 } });
    expect(created.body.status).toBe('active');
    const tooLong = await extend(created.body.id, 14100);
    expect(tooLong.status).toBe(403);
    expect(tooLong.body.code).toBe('access_denied');
    expect((await grant(created.body.id)).expires_at).toBe(created.body.expires_at);
    const fine = await extend(created.body.id, 1800);
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ duration_seconds: 2100, pending_extension: null });
    expect(Date.parse(fine.body.expires_at) - Date.parse(created.body.expires_at)).toBe(1800_000);
    const events = (await grant(created.body.id)).events.map((e: { action: string }) => e.action);
    expect(events).toEqual(['grant.requested', 'grant.activated', 'grant.extension_denied', 'grant.extended']);
  });

  it('sets context.extension: a rule can refuse extensions only', async () => {
    const created = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...triple('read'), duration_seconds: 60 } });
    expect(created.body.status).toBe('active');
    expect((await extend(created.body.id, 60)).status).toBe(403);
    const ignored = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...triple('read'), duration_seconds: 60, context: { extension: true } } });
    expect(ignored.body.status).toBe('active');
  });

  it('waits for the approvers when the governing policy requires approval; expires_at moves only once approved', async () => {
    const { id, target, expiresAt } = await approvedSudo();
    const asked = await extend(id, 600);
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'active', expires_at: expiresAt, pending_extension: { round: 1, added_seconds: 600, status: 'pending', approvals: [] } });
    expect((await check(target)).body.expires_at).toBe(expiresAt);
    expect((await extend(id, 60)).status).toBe(409);
    expect((await decide(id, 'alice@example.com')).status).toBe(403);
    expect((await decide(id, 'mallory@example.com')).status).toBe(403);
    const approved = await decide(id, 'deputy@example.com');
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ duration_seconds: 900, pending_extension: null, extensions: [{ round: 1, status: 'approved', approvals: [{ approver_email: 'deputy@example.com' }] }] });
    expect(Date.parse(approved.body.expires_at) - Date.parse(expiresAt)).toBe(600_000);
    expect((await check(target)).body.expires_at).toBe(approved.body.expires_at);
    const events = (await grant(id)).events.map((e: { action: string }) => e.action);
    expect(events.slice(-3)).toEqual(['grant.extension_requested', 'approval.recorded', 'grant.extended']);
  });

  it('an admin extends at once; an approver can deny an extension', async () => {
    const { id, expiresAt } = await approvedSudo();
    const byAdmin = await extend(id, 120, 'admin');
    expect(byAdmin.status).toBe(200);
    expect(Date.parse(byAdmin.body.expires_at) - Date.parse(expiresAt)).toBe(120_000);
    expect((await extend(id, 60)).status).toBe(202);
    const denied = await decide(id, 'boss@example.com', 'deny');
    expect(denied.status).toBe(201);
    expect(denied.body).toMatchObject({ expires_at: byAdmin.body.expires_at, pending_extension: null, extensions: [{ status: 'denied', ended_reason: 'denied by approver' }] });
  });

  it('decides the extension again at approval: a forbid added meanwhile denies it with 409', async () => {
    const { id, expiresAt } = await approvedSudo();
    expect((await extend(id, 600)).status).toBe(202);
    const freeze = await tenant.admin({
      method: 'POST',
      url: '/v1/policies',
      body: { name: 'no long sudo', priority: 1000, max_duration_seconds: 60, rules: [{ ...ANY, effect: 'forbid', action_ids: ['sudo'], conditions: 'context.duration_seconds > 600', notice: 'sudo stays short' }] },
    });
    try {
      const answer = await decide(id, 'boss@example.com');
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ code: 'invalid_state', notices: ['sudo stays short'] });
      expect(await grant(id)).toMatchObject({ status: 'active', expires_at: expiresAt, extensions: [{ status: 'denied' }] });
    } finally {
      await tenant.admin({ method: 'DELETE', url: `/v1/policies/${freeze.body.id}` });
    }
  });

  it('personal links decide the round they were issued for; a link of the request cannot approve an extension', async () => {
    const tokens = t.app.get(ApprovalTokensService);
    const target = triple('sudo');
    const requested = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...target, requester_email: 'alice@example.com' } });
    const oldLink = await tokens.issue(tenant.id, requested.body.id, 'deputy@example.com', 'slack');
    expect((await decide(requested.body.id, 'boss@example.com')).body.status).toBe('active');
    expect((await extend(requested.body.id, 300)).status).toBe(202);
    const form = (token: string) =>
      t.request({ method: 'POST', url: `/approvals/${token}`, payload: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    // The request's link decides the request, which no longer waits: it refuses and the extension still waits.
    expect((await form(oldLink.token)).status).toBe(409);
    expect((await grant(requested.body.id)).pending_extension).toMatchObject({ round: 1, approvals: [] });
    const newLink = await tokens.issue(tenant.id, requested.body.id, 'deputy@example.com', 'email', 1);
    const page = await t.request({ method: 'GET', url: `/approvals/${newLink.token}` });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Extension request');
    const decided = await form(newLink.token);
    expect(decided.status).toBe(200);
    expect(decided.text).toContain('Extension approved');
    expect((await grant(requested.body.id)).duration_seconds).toBe(600);
  });

  it('a pending extension ends with its grant', async () => {
    const { id } = await approvedSudo();
    expect((await extend(id, 600)).status).toBe(202);
    expect((await tenant.admin({ method: 'POST', url: `/v1/grants/${id}/revoke`, body: {} })).status).toBe(200);
    expect(await grant(id)).toMatchObject({ status: 'revoked', pending_extension: null, extensions: [{ status: 'cancelled' }] });
    expect((await decide(id, 'boss@example.com')).status).toBe(409);
  });

  const holdChainHead = () => holdHeadOf(t.config.databaseUrl, tenant.id);
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('an extension asked for while an expiry pass ends its grant is refused or cancelled with it, never left waiting', async () => {
    const { id } = await approvedSudo();
    // The pass and the request both append audit events: holding the tenant's chain head lets the pass end the grant
    // (uncommitted) while the request still reads it as active, then lets both commit, the pass first.
    const head = await holdChainHead();
    try {
      const pass = t.app.get(GrantExpiry).expireDue(tenant.id, new Date(Date.now() + 3_600_000));
      await later(300);
      const asked = extend(id, 600);
      await later(300);
      await head.release();
      expect(await pass).toBeGreaterThanOrEqual(1);
      const answer = await asked;
      const ended = await grant(id);
      expect(ended.status).toBe('expired');
      if (answer.status === 202) expect(ended.extensions).toMatchObject([{ status: 'cancelled' }]);
      else expect(answer.body).toMatchObject({ code: 'invalid_state' });
      expect(ended.extensions.filter((e: { status: string }) => e.status === 'pending')).toEqual([]);
    } finally {
      await head.release();
    }
  });

  it('an extension that holds its grant\'s access lock when an expiry pass starts is cancelled with the grant', async () => {
    const { id } = await approvedSudo();
    // The request takes the triple's access lock and the grant's row, then waits for the chain head (held here);
    // the pass starts meanwhile and waits for the access lock. The request commits first: the pass must see its
    // pending extension (it ends it, and its grant.expired event shows it ended), not the rows as they were when
    // its statement began.
    const head = await holdChainHead();
    try {
      const asked = extend(id, 600);
      await later(300);
      const pass = t.app.get(GrantExpiry).expireDue(tenant.id, new Date(Date.now() + 3_600_000));
      await later(300);
      await head.release();
      expect((await asked).status).toBe(202);
      expect(await pass).toBeGreaterThanOrEqual(1);
      const { events: _events, ...ended } = await grant(id);
      expect(ended).toMatchObject({ status: 'expired', pending_extension: null, extensions: [{ status: 'cancelled', ended_reason: 'the grant expired' }] });
      const audited = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&action=grant.expired` });
      expect(audited.body.data[0].data.grant).toEqual(ended);
    } finally {
      await head.release();
    }
  });

  it('two extensions asked for at once: one waits, the other is 409', async () => {
    const { id } = await approvedSudo();
    const answers = await Promise.all([extend(id, 600), extend(id, 300)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect((await grant(id)).extensions).toHaveLength(1);
  });

  // By the tenant's own pass (the sweep, a job of an earlier version) and by a bucket's job, whose pass across tenants
  // leaves a grant with a pending extension to its tenant's own pass.
  const passes = [
    ['the tenant\'s pass', async (_id: string) => expect(await t.app.get(GrantExpiry).expireDue(tenant.id)).toBe(1)],
    [
      'a bucket job',
      async (id: string) => {
        expect(await t.app.get(GrantExpiry).expireBucket(Date.now())).toEqual({ done: true });
        await waitFor(async () => (await grant(id)).status, (status) => status === 'expired', 10_000);
      },
    ],
  ] as const;
  it.each(passes)('a grant that expires (%s) is recorded as it ended, with its decided and pending extensions and their approvals', async (_name, pass) => {
    const { id } = await approvedSudo();
    expect((await extend(id, 600)).status).toBe(202);
    expect((await decide(id, 'deputy@example.com')).status).toBe(201);
    expect((await extend(id, 300)).status).toBe(202);
    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    } finally {
      await db.end();
    }
    await pass(id);
    const { events: _events, ...ended } = await grant(id);
    expect(ended).toMatchObject({ status: 'expired', pending_extension: null, extensions: [{ status: 'approved' }, { status: 'cancelled' }] });
    const audited = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&action=grant.expired` });
    expect(audited.body.data[0].data.grant).toEqual(ended);
  });
});

describe('extensions after expires_at', () => {
  // No worker: a grant past its expires_at stays `active` in the database until a pass ends it (up to a bucket and
  // the pass later with a worker, longer when workers lag), while access checks already say no.
  const t = useTestApp({ PROCESS_ROLE: 'api' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
    const rules = [{ effect: 'permit', principal_scope_type: 'any', action_scope_type: 'eq', action_ids: ['ssh'], resource_scope_type: 'any' }];
    expect((await tenant.admin({ method: 'POST', url: '/v1/policies', body: { name: 'ssh', max_duration_seconds: 3600, rules } })).status).toBe(201);
  });

  it.each(['requester', 'admin'] as const)('a grant whose expires_at has passed cannot be extended back to life (%s)', async (role) => {
    const target = { principal: user('alice'), action: action('ssh'), resource: host(`late-${role}`) };
    const created = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...target, duration_seconds: 1 } });
    expect(created.body.status).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, Date.parse(created.body.expires_at as string) - Date.now() + 50));
    const check = () => tenant.as('auditor')({ method: 'POST', url: '/v1/access/check', body: target });
    expect((await check()).body.allowed).toBe(false);
    const extended = await tenant.as(role)({ method: 'POST', url: `/v1/grants/${created.body.id}/extend`, body: { duration_seconds: 600 } });
    expect(extended.status).toBe(409);
    expect(extended.body).toMatchObject({ code: 'invalid_state', details: { status: 'expired' } });
    expect((await check()).body.allowed).toBe(false);
    const read = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${created.body.id}` });
    expect(read.body).toMatchObject({ expires_at: created.body.expires_at, duration_seconds: 1 });
  });
});
