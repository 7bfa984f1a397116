import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startSmtp } from './support/notifications';

describe('reminders to approvers and the expiring-soon notice', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '1', EXPIRY_NOTICE_LEAD_SECONDS: '5' });
    tenant = await createTenant(t);
    const group = { approvals_needed: 2, email_addresses: ['bob@example.com', 'carol@example.com'] };
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [group] });
    await permitPolicy(tenant, 'alice', 'read');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const request = async (actionId: string, duration_seconds?: number) => {
    const response = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user('alice'), action: action(actionId), resource: host('db1'), requester_email: 'alice@example.com', duration_seconds },
    });
    expect(response.status).toBe(201);
    return response.body;
  };
  const mails = (grantId: string, to: string, subject: string) =>
    smtp.received.filter((m) => m.to[0] === to && m.body.includes(grantId) && m.subject.includes(subject));

  it('reminds each approver who has not decided, and stops once they decide or the request ends', async () => {
    const { id } = await request('sudo');
    await waitFor(async () => mails(id, 'bob@example.com', 'Reminder'), (m) => m.length >= 1);
    const decided = await tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: 'bob@example.com', decision: 'approve' } });
    expect(decided.status).toBe(201);
    const bobAtDecision = mails(id, 'bob@example.com', 'Reminder').length;
    const carolBefore = mails(id, 'carol@example.com', 'Reminder').length;
    await waitFor(async () => mails(id, 'carol@example.com', 'Reminder'), (m) => m.length >= carolBefore + 2);
    // At most one reminder to bob was already on its way when he decided.
    expect(mails(id, 'bob@example.com', 'Reminder').length).toBeLessThanOrEqual(bobAtDecision + 1);
    expect(mails(id, 'carol@example.com', 'Reminder')[0].body).toContain('links in earlier emails no longer work');

    const cancelled = await tenant.as('requester')({ method: 'POST', url: `/v1/grants/${id}/cancel`, body: {} });
    expect(cancelled.body.status).toBe('cancelled');
    const carolAtCancel = mails(id, 'carol@example.com', 'Reminder').length;
    // A later request's reminders prove the queue kept running; carol's on the cancelled one stop.
    const { id: later } = await request('sudo');
    await waitFor(async () => mails(later, 'carol@example.com', 'Reminder'), (m) => m.length >= 2);
    expect(mails(id, 'carol@example.com', 'Reminder').length).toBeLessThanOrEqual(carolAtCancel + 1);
  });

  it('tells the requester before access ends, re-timed when the grant is extended, then that it ended', async () => {
    const grant = await request('read', 10);
    expect(grant.status).toBe('active');
    const extended = await tenant.admin({ method: 'POST', url: `/v1/grants/${grant.id}/extend`, body: { duration_seconds: 6 } });
    expect(extended.status).toBe(200);
    const ended = await waitFor(async () => mails(grant.id, 'alice@example.com', 'Access expired'), (m) => m.length >= 1, 30000);
    expect(ended).toHaveLength(1);
    const notices = mails(grant.id, 'alice@example.com', 'Access expiring soon');
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain(extended.body.expires_at);
    expect(mails(grant.id, 'alice@example.com', 'Access granted')).toHaveLength(1);
  });
});
