import type { Role } from '../src/common/auth/roles';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { ApprovalTokensService } from '../src/modules/approvals/approval-tokens.service';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

const approvers = Array.from({ length: 20 }, (_, i) => `approver${i}@example.com`);

describe('approvals: rules, the API path and the personal links', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });
  let tenant: TestTenant;
  let tokens: ApprovalTokensService;

  beforeAll(async () => {
    // No worker: its approver emails would issue email links for the same approvers, replacing the ones used here.
    tenant = await createTenant(t);
    tokens = t.app.get(ApprovalTokensService);
    const group = { approvals_needed: 2, email_addresses: [...approvers, 'alice@example.com', 'Carol@Example.com'] };
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [group], default_duration_seconds: 900 });
    await permitPolicy(tenant, 'carol@example.com', 'sudo', { approval_required: true, approval_groups: [group] });
  });

  const requestSudo = async (principal = 'alice', justification = 'fix the disk') => {
    const response = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user(principal), action: action('sudo'), resource: host('db1'), justification, requester_email: 'ALICE@example.com' },
    });
    expect(response.body.status).toBe('pending_approval');
    return response.body.id as string;
  };
  const decide = (grantId: string, approver_email: string, decision: string, role: Role = 'approver') =>
    tenant.as(role)({ method: 'POST', url: `/v1/grants/${grantId}/approvals`, body: { approver_email, decision, comment: 'ok' } });
  const grant = async (id: string) => (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body;
  const auditActions = async (id: string) =>
    (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&limit=500` })).body.data.map((e: { action: string }) => e.action);
  const page = (method: 'GET' | 'POST', url: string, form?: string) =>
    t.request({ method, url, payload: form, headers: form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' } });

  describe('API path', () => {
    it('activates once every group has its distinct approvers, and audits each decision', async () => {
      const id = await requestSudo();
      const first = await decide(id, 'Approver1@Example.com', 'approve');
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'pending_approval', approvals: [{ approver_email: 'approver1@example.com', decision: 'approve', comment: 'ok' }] });
      const second = await decide(id, 'approver2@example.com', 'approve', 'admin');
      expect(second.body.status).toBe('active');
      expect(Date.parse(second.body.expires_at) - Date.parse(second.body.activated_at)).toBe(900_000);
      expect(await auditActions(id)).toEqual(['grant.activated', 'approval.recorded', 'approval.recorded', 'grant.requested']);
      const late = await decide(id, 'approver3@example.com', 'approve');
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'invalid_state', details: { status: 'active' } });
    });

    it('refuses the requester, by requester_email or as the principal', async () => {
      const id = await requestSudo();
      const self = await decide(id, 'alice@EXAMPLE.com', 'approve');
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('forbidden');
      const carolsOwn = await requestSudo('carol@example.com');
      expect((await decide(carolsOwn, 'carol@example.com', 'approve')).status).toBe(403);
      expect((await grant(carolsOwn)).approvals).toEqual([]);
    });

    it('refuses non-members and counts a repeated approval once', async () => {
      const id = await requestSudo();
      const stranger = await decide(id, 'mallory@example.com', 'approve');
      expect(stranger.status).toBe(403);
      expect(stranger.body.code).toBe('forbidden');
      expect((await decide(id, 'approver5@example.com', 'approve')).status).toBe(201);
      const again = await decide(id, 'approver5@example.com', 'approve');
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
      const current = await grant(id);
      expect(current.status).toBe('pending_approval');
      expect(current.approvals).toHaveLength(1);
    });

    it('denies on one deny', async () => {
      const id = await requestSudo();
      await decide(id, 'approver6@example.com', 'approve');
      const denied = await decide(id, 'approver7@example.com', 'deny');
      expect(denied.body).toMatchObject({ status: 'denied', ended_reason: 'denied by approver' });
      expect(await auditActions(id)).toEqual(['grant.denied', 'approval.recorded', 'approval.recorded', 'grant.requested']);
    });

    it('checks roles, input and tenancy', async () => {
      const id = await requestSudo();
      expect((await decide(id, 'approver1@example.com', 'approve', 'requester')).status).toBe(403);
      expect((await tenant.as('auditor')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: 'approver1@example.com', decision: 'approve' } })).status).toBe(403);
      const bad = await decide(id, 'approver1@example.com', 'maybe');
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields).toHaveProperty('decision');
      const other = await createTenant(t, 'other');
      const foreign = await other.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: 'approver1@example.com', decision: 'approve' } });
      expect(foreign.status).toBe(404);
      expect((await grant(id)).approvals).toEqual([]);
    });
  });

  describe('personal links', () => {
    it('GET shows the request escaped and changes nothing; POST decides once', async () => {
      const id = await requestSudo('alice', '<script>alert(1)</script> & more');
      const link = await tokens.issue(tenant.id, id, 'Approver8@example.com', 'email');
      expect(link.url).toBe(`${t.config.publicBaseUrl}/approvals/${link.token}`);
      const path = `/approvals/${link.token}`;
      const before = await auditActions(id);
      for (let i = 0; i < 3; i += 1) {
        const shown = await page('GET', path);
        expect(shown.status).toBe(200);
        expect(shown.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
        expect(shown.text).not.toContain('<script>');
        expect(shown.text).toContain('approver8@example.com');
        expect(shown.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(shown.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
        expect(shown.headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
      }
      expect(await auditActions(id)).toEqual(before);
      expect((await grant(id)).approvals).toEqual([]);

      const decided = await page('POST', path, 'decision=approve&comment=%3Cb%3Elooks+fine%3C%2Fb%3E');
      expect(decided.status).toBe(200);
      expect(decided.text).toContain('Approval recorded');
      expect(decided.text).toContain('&lt;b&gt;looks fine&lt;/b&gt;');
      expect(decided.headers['content-security-policy']).toBeDefined();
      const events = (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&action=approval.recorded` })).body.data;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: { type: 'approver', email: 'approver8@example.com' }, data: { approver_email: 'approver8@example.com', decision: 'approve' } });

      const reused = await page('POST', path, 'decision=deny');
      expect(reused.status).toBe(410);
      expect(reused.text).toContain('already used');
      expect((await page('GET', path)).status).toBe(410);
      expect((await grant(id)).approvals).toHaveLength(1);
    });

    it('denies through the page', async () => {
      const id = await requestSudo();
      const link = await tokens.issue(tenant.id, id, 'approver9@example.com', 'slack');
      const denied = await page('POST', `/approvals/${link.token}`, 'decision=deny&comment=not+now');
      expect(denied.status).toBe(200);
      expect(denied.text).toContain('Request denied');
      expect(await grant(id)).toMatchObject({ status: 'denied', approvals: [{ approver_email: 'approver9@example.com', decision: 'deny', comment: 'not now' }] });
    });

    it('answers unknown tokens 404 and expired ones 410, with a page', async () => {
      for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc']) {
        const unknown = await page('GET', `/approvals/${token}`);
        expect(unknown.status).toBe(404);
        expect(unknown.text).toContain('not valid');
        expect((await page('POST', `/approvals/${token}`, 'decision=approve')).status).toBe(404);
      }
      const id = await requestSudo();
      const link = await tokens.issue(tenant.id, id, 'approver10@example.com', 'email');
      await t.app.get(PrismaService).approvalToken.updateMany({ where: { grantId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await page('GET', `/approvals/${link.token}`);
      expect(expired.status).toBe(410);
      expect(expired.text).toContain('expired');
      expect((await page('POST', `/approvals/${link.token}`, 'decision=approve')).status).toBe(410);
      expect((await grant(id)).approvals).toEqual([]);
    });

    it('refuses the requester and a request that moved on, and keeps the link usable after a refusal', async () => {
      const id = await requestSudo();
      const own = await tokens.issue(tenant.id, id, 'alice@example.com', 'email');
      expect((await page('GET', `/approvals/${own.token}`)).status).toBe(403);
      const refused = await page('POST', `/approvals/${own.token}`, 'decision=approve');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('own request');
      expect((await page('GET', `/approvals/${own.token}`)).status).toBe(403);

      const link = await tokens.issue(tenant.id, id, 'approver11@example.com', 'email');
      expect((await page('POST', `/approvals/${link.token}`, 'decision=perhaps')).status).toBe(400);
      expect((await tenant.as('requester')({ method: 'POST', url: `/v1/grants/${id}/cancel` })).body.status).toBe('cancelled');
      const moved = await page('GET', `/approvals/${link.token}`);
      expect(moved.status).toBe(409);
      expect(moved.text).toContain('cancelled');
      expect((await page('POST', `/approvals/${link.token}`, 'decision=approve')).status).toBe(409);
      await expect(tokens.issue(tenant.id, id, 'approver12@example.com', 'email')).rejects.toMatchObject({ code: 'invalid_state' });
    });

    it('replaces the previous link of the same channel when issued again', async () => {
      const id = await requestSudo();
      const old = await tokens.issue(tenant.id, id, 'approver13@example.com', 'email');
      const slack = await tokens.issue(tenant.id, id, 'approver13@example.com', 'slack');
      const fresh = await tokens.issue(tenant.id, id, 'approver13@example.com', 'email');
      expect((await page('GET', `/approvals/${old.token}`)).status).toBe(404);
      expect((await page('GET', `/approvals/${slack.token}`)).status).toBe(200);
      expect((await page('GET', `/approvals/${fresh.token}`)).status).toBe(200);
      expect(fresh.expiresAt.getTime()).toBeLessThanOrEqual(Date.parse((await grant(id)).approval_deadline));
    });
  });

  it('activates exactly once under 20 concurrent approvals of a request needing 2', async () => {
    const id = await requestSudo();
    const links = await Promise.all(approvers.slice(10).map((email) => tokens.issue(tenant.id, id, email, 'email')));
    const responses = await Promise.all([
      ...approvers.slice(0, 10).map((email) => decide(id, email, 'approve')),
      ...links.map((link) => page('POST', `/approvals/${link.token}`, 'decision=approve')),
    ]);
    const accepted = responses.filter((r) => r.status === 200 || r.status === 201);
    expect(accepted).toHaveLength(2);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(18);
    const current = await grant(id);
    expect(current.status).toBe('active');
    expect(current.approvals).toHaveLength(2);
    const actions = await auditActions(id);
    expect(actions.filter((a: string) => a === 'grant.activated')).toHaveLength(1);
    expect(actions.filter((a: string) => a === 'approval.recorded')).toHaveLength(2);
  });
});
