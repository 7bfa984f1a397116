import Cloudflare from 'cloudflare';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { waitFor } from './support/grants';
import { approvalPath, startSmtp } from './support/notifications';
import { cloudflareClient } from './support/cloudflare';

/**
 * End to end (PRODUCT.md section 15 with sections 6, 7 and 9): an approval_required policy with two approval
 * groups made through the official SDK; a request for the app; approval by email links; access check; expiry.
 */
describe('Cloudflare Access policy with approval, end to end', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let cf: Cloudflare;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '3600', PUBLIC_BASE_URL: 'https://jit.example.com' });
    tenant = await createTenant(t, 'cf-e2e');
    cf = await cloudflareClient(t, tenant);
    const entity = { uid: { type: 'User', id: 'alice' }, attrs: { email: 'alice@example.com' }, parents: [] };
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [entity] })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('requests, is approved by both groups by email link, is allowed by the access check, and expires', async () => {
    const list = await tenant.admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'sre', emails: ['sre1@example.com', 'sre2@example.com'] } });
    const app = (await cf.zeroTrust.access.applications.create({ account_id: tenant.id, name: 'prod db', domain: 'db.example.com', type: 'self_hosted' } as Cloudflare.ZeroTrust.Access.ApplicationCreateParams)) as { id: string };
    const policy = await cf.zeroTrust.access.applications.policies.create(app.id, {
      account_id: tenant.id,
      name: 'prod with approval',
      decision: 'allow',
      include: [{ email_domain: { domain: 'example.com' } }],
      session_duration: '1h',
      approval_required: true,
      approval_groups: [
        { approvals_needed: 1, email_addresses: ['lead@example.com'] },
        { approvals_needed: 1, email_list_uuid: list.body.id as string },
      ],
      purpose_justification_required: true,
      purpose_justification_prompt: 'Which incident?',
    } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    expect(policy).toMatchObject({ approval_required: true, approval_groups: [{ approvals_needed: 1 }, { approvals_needed: 1, email_list_uuid: list.body.id }] });

    const triple = { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: app.id } };
    const simulated = await tenant.as('requester')({ method: 'POST', url: '/v1/policies/simulate', body: triple });
    expect(simulated.body).toMatchObject({ decision: 'allow', policy_id: policy.id, approval_required: true, duration_seconds: 3600 });
    const noReason = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: triple });
    expect(noReason).toMatchObject({ status: 400, body: { details: { prompt: 'Which incident?' } } });

    const requested = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { ...triple, duration_seconds: 4, justification: 'INC-42', requester_email: 'alice@example.com' } });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'pending_approval', policy_id: policy.id });
    const id = requested.body.id as string;
    const check = () => tenant.as('requester')({ method: 'POST', url: '/v1/access/check', body: triple });
    expect((await check()).body.allowed).toBe(false);

    const invitations = await waitFor(async () => smtp.received.filter((mail) => mail.body.includes(id) && mail.subject.includes('Approval needed')), (mails) => mails.length >= 3);
    expect(invitations.map((mail) => mail.to[0]).sort()).toEqual(['lead@example.com', 'sre1@example.com', 'sre2@example.com']);
    const page = await t.request({ method: 'GET', url: approvalPath(invitations[0].body) });
    expect(page.text).toContain('prod with approval');
    const approve = (to: string) => {
      const mail = invitations.find((m) => m.to[0] === to);
      return t.request({ method: 'POST', url: approvalPath(mail?.body ?? ''), payload: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    };
    expect((await approve('lead@example.com')).status).toBe(200);
    expect((await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body.status).toBe('pending_approval');
    expect((await approve('sre2@example.com')).status).toBe(200);
    const active = (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body;
    expect(active).toMatchObject({ status: 'active', duration_seconds: 4 });

    expect((await waitFor(check, (r) => r.body.allowed === true, 5000)).body).toMatchObject({ allowed: true, grant_id: id });
    const expired = await waitFor(async () => (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body, (g) => g.status === 'expired', 20000);
    expect(expired.status).toBe('expired');
    expect((await check()).body.allowed).toBe(false);
  });
});
