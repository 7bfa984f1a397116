import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

describe('grant requests and transitions', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let autoPolicy: string;

  beforeAll(async () => {
    tenant = await createTenant(t);
    autoPolicy = await permitPolicy(tenant, 'alice', 'ssh', { default_duration_seconds: 600 });
    await permitPolicy(tenant, 'alice', 'sudo', {
      approval_required: true,
      approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }],
    });
    await permitPolicy(tenant, 'bob', 'ssh', { purpose_justification_required: true, purpose_justification_prompt: 'Which ticket?' });
  });

  const request = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    tenant.as('requester')({ method: 'POST', url: '/v1/grants', body, headers });
  const sshAlice = { principal: user('alice'), action: action('ssh'), resource: host('db1') };
  const sudoAlice = { principal: user('alice'), action: action('sudo'), resource: host('db1') };

  it('activates a grant that needs no approval, window from activation', async () => {
    const response = await request({ ...sshAlice, justification: 'deploy' });
    expect(response.status).toBe(201);
    const grant = response.body;
    expect(grant).toMatchObject({ status: 'active', duration_seconds: 600, policy_id: autoPolicy, justification: 'deploy', approvals: [] });
    expect(grant.determining_rule_ids).toHaveLength(1);
    expect(Date.parse(grant.expires_at) - Date.parse(grant.activated_at)).toBe(600_000);
  });

  it('stores and audits a denied request, answering 403 access_denied with its id', async () => {
    const response = await request({ principal: user('mallory'), action: action('ssh'), resource: host('db1') });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('access_denied');
    const stored = await tenant.admin({ method: 'GET', url: `/v1/grants/${response.body.details.grant_id}` });
    expect(stored.body).toMatchObject({ status: 'denied', policy_id: null });
    expect(stored.body.events.map((e: { action: string }) => e.action)).toEqual(['grant.requested', 'grant.denied']);
  });

  it('refuses a duration above the maximum without storing anything', async () => {
    const before = await tenant.admin({ method: 'GET', url: '/v1/grants?limit=500' });
    const response = await request({ ...sshAlice, duration_seconds: 3601 });
    expect(response.status).toBe(400);
    expect(response.body.details.max_duration_seconds).toBe(3600);
    const after = await tenant.admin({ method: 'GET', url: '/v1/grants?limit=500' });
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('asks for a justification with the policy prompt', async () => {
    const response = await request({ principal: user('bob'), action: action('ssh'), resource: host('db1'), justification: '  ' });
    expect(response.status).toBe(400);
    expect(response.body.details.prompt).toBe('Which ticket?');
  });

  it('returns the first response for a repeated Idempotency-Key and creates nothing', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await request(sshAlice, headers);
    const again = await request(sshAlice, headers);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const reused = await request({ ...sshAlice, duration_seconds: 60 }, headers);
    expect(reused.status).toBe(409);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => request(sudoAlice, { 'idempotency-key': 'race' })));
    expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
  });

  it('cancels a pending request once; other transitions from there are invalid_state', async () => {
    const pending = await request(sudoAlice);
    expect(pending.body.status).toBe('pending_approval');
    expect(pending.body.approval_deadline).not.toBeNull();
    const cancel = await tenant.as('requester')({ method: 'POST', url: `/v1/grants/${pending.body.id}/cancel` });
    expect(cancel.body).toMatchObject({ status: 'cancelled', ended_reason: expect.any(String) });
    for (const path of ['cancel', 'revoke']) {
      const again = await tenant.admin({ method: 'POST', url: `/v1/grants/${pending.body.id}/${path}`, body: {} });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'invalid_state', details: { status: 'cancelled' } });
    }
    const extend = await tenant.admin({ method: 'POST', url: `/v1/grants/${pending.body.id}/extend`, body: { duration_seconds: 10 } });
    expect(extend.status).toBe(409);
  });

  it('refuses to cancel an active grant and to extend a pending one', async () => {
    const active = await request(sshAlice);
    expect((await tenant.admin({ method: 'POST', url: `/v1/grants/${active.body.id}/cancel` })).status).toBe(409);
    const pending = await request(sudoAlice);
    expect((await tenant.admin({ method: 'POST', url: `/v1/grants/${pending.body.id}/extend`, body: { duration_seconds: 5 } })).status).toBe(409);
  });

  it('revokes an active grant with a reason (admin only)', async () => {
    const active = await request(sshAlice);
    const forbidden = await tenant.as('requester')({ method: 'POST', url: `/v1/grants/${active.body.id}/revoke`, body: { reason: 'x' } });
    expect(forbidden.status).toBe(403);
    const revoked = await tenant.admin({ method: 'POST', url: `/v1/grants/${active.body.id}/revoke`, body: { reason: 'incident over' } });
    expect(revoked.body).toMatchObject({ status: 'revoked', ended_reason: 'incident over' });
  });

  it('extends within the maximum and refuses beyond it', async () => {
    const active = await request({ ...sshAlice, duration_seconds: 3000 });
    const extended = await tenant.as('requester')({ method: 'POST', url: `/v1/grants/${active.body.id}/extend`, body: { duration_seconds: 600 } });
    expect(extended.status).toBe(200);
    expect(extended.body.duration_seconds).toBe(3600);
    expect(Date.parse(extended.body.expires_at) - Date.parse(active.body.expires_at)).toBe(600_000);
    const over = await tenant.admin({ method: 'POST', url: `/v1/grants/${active.body.id}/extend`, body: { duration_seconds: 1 } });
    expect(over.status).toBe(400);
    expect(over.body.details.max_duration_seconds).toBe(3600);
  });

  it.each(['revoke', 'cancel'])('lets exactly one of 20 concurrent %s calls win', async (verb) => {
    const grant = await request(verb === 'revoke' ? sshAlice : sudoAlice);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => tenant.admin({ method: 'POST', url: `/v1/grants/${grant.body.id}/${verb}`, body: {} })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const detail = await tenant.admin({ method: 'GET', url: `/v1/grants/${grant.body.id}` });
    const ends = detail.body.events.filter((e: { action: string }) => e.action === `grant.${verb === 'revoke' ? 'revoked' : 'cancelled'}`);
    expect(ends).toHaveLength(1);
  });

  it('shows provenance and the event timeline', async () => {
    const active = await request(sshAlice);
    await tenant.admin({ method: 'POST', url: `/v1/grants/${active.body.id}/revoke`, body: { reason: 'done' } });
    const detail = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${active.body.id}` });
    expect(detail.body.policy_set_version).toBeGreaterThan(0);
    expect(detail.body.events.map((e: { action: string }) => e.action)).toEqual(['grant.requested', 'grant.activated', 'grant.revoked']);
    expect(detail.body.events[0].data).toMatchObject({ policy_id: autoPolicy, determining_rule_ids: active.body.determining_rule_ids });
  });

  it('filters and paginates the list', async () => {
    const byStatus = await tenant.as('auditor')({ method: 'GET', url: '/v1/grants?status=revoked&limit=500' });
    expect(byStatus.body.data.length).toBeGreaterThan(0);
    expect(byStatus.body.data.every((g: { status: string }) => g.status === 'revoked')).toBe(true);
    const bob = await tenant.as('auditor')({ method: 'GET', url: '/v1/grants?principal_type=User&principal_id=bob' });
    expect(bob.body.data).toEqual([]);
    const future = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants?created_after=${new Date(Date.now() + 60_000).toISOString()}` });
    expect(future.body.data).toEqual([]);
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await tenant.as('auditor')({ method: 'GET', url: `/v1/grants?limit=3${cursor ? `&cursor=${cursor}` : ''}` });
      for (const grant of page.body.data) ids.add(grant.id);
      cursor = page.body.next_cursor;
    } while (cursor);
    const all = await tenant.as('auditor')({ method: 'GET', url: '/v1/grants?limit=500' });
    expect(ids.size).toBe(all.body.data.length);
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/grants?status=bogus' })).status).toBe(400);
  });

  it('keeps roles apart and other tenants out', async () => {
    expect((await tenant.as('auditor')({ method: 'POST', url: '/v1/grants', body: sshAlice })).status).toBe(403);
    const other = await createTenant(t, 'other');
    const mine = await request(sshAlice);
    expect((await other.admin({ method: 'GET', url: `/v1/grants/${mine.body.id}` })).status).toBe(404);
    expect((await other.admin({ method: 'POST', url: `/v1/grants/${mine.body.id}/revoke`, body: {} })).status).toBe(404);
  });
});
