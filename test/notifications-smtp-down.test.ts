import { DeliveryRepository } from '../src/modules/notifications/delivery.repository';
import { notificationId } from '../src/modules/notifications/notification-jobs';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { approvalPath, freePort, startSmtp } from './support/notifications';

describe('notifications while the SMTP server is down', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['bob@example.com'] }] });
  });
  afterAll(async () => {
    await t.close();
    await smtp?.close();
  });

  it('retries the job and sends the email once the server is back; nothing is lost', async () => {
    const created = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user('alice'), action: action('sudo'), resource: host('db1'), requester_email: 'alice@example.com' },
    });
    const grantId = created.body.id as string;
    const deliveryId = notificationId({ kind: 'approver_link', tenantId: tenant.id, grantId, recipient: 'bob@example.com' });
    const deliveries = t.app.get(DeliveryRepository);
    const failed = await waitFor(() => deliveries.find(tenant.id, deliveryId), (d) => d?.status === 'failed');
    expect(failed).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });

    smtp = await startSmtp(port);
    const server = smtp;
    const [invitation] = await waitFor(async () => server.received.filter((m) => m.to[0] === 'bob@example.com'), (m) => m.length >= 1, 30000);
    const sent = await waitFor(() => deliveries.find(tenant.id, deliveryId), (d) => d?.status === 'sent');
    expect(sent?.attempts).toBeGreaterThanOrEqual(2);

    // The link from the email that finally went out works.
    const approved = await t.request({
      method: 'POST',
      url: approvalPath(invitation.body),
      payload: 'decision=approve',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(approved.status).toBe(200);
    const outcome = await waitFor(async () => server.received.filter((m) => m.to[0] === 'alice@example.com'), (m) => m.length >= 1);
    expect(outcome[0].subject).toContain('Access granted');
    expect(server.received.filter((m) => m.to[0] === 'bob@example.com')).toHaveLength(1);
  });
});
