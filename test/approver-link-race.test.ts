import { DeliveryRepository } from '../src/modules/notifications/delivery.repository';
import { NotificationHandlers } from '../src/modules/notifications/notification-handlers';
import { NotificationJob, NotificationJobs, notificationId } from '../src/modules/notifications/notification-jobs';
import type { GrantReads } from '../src/modules/grants/grant-reads';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startSmtp } from './support/notifications';

/** An approver email whose request is decided between the job's read of the grant and the link's issue. */
describe('an approver link for a request decided while it is being sent', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['bob@example.com'] }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
    await smtp.close();
  });

  it('is skipped, neither failed nor retried, sends nothing and schedules no further reminder', async () => {
    const created = await tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('sudo'), resource: host('db1') } });
    expect(created.body.status).toBe('pending_approval');
    const id = created.body.id as string;
    await waitFor(async () => smtp.received.filter((mail) => mail.body.includes(id)), (mails) => mails.length === 1);
    const handlers = t.app.get(NotificationHandlers);
    const reads = (handlers as unknown as { grants: GrantReads }).grants;
    const pending = await reads.find(tenant.id, id);
    const approved = await tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email: 'bob@example.com', decision: 'approve' } });
    expect(approved.status).toBe(201);

    // The reminder job read the grant just before the approval committed.
    jest.spyOn(reads, 'find').mockResolvedValueOnce(pending);
    const add = jest.spyOn((handlers as unknown as { jobs: NotificationJobs }).jobs, 'add');
    const job: NotificationJob = { kind: 'reminder', tenantId: tenant.id, grantId: id, recipient: 'bob@example.com', n: 1 };
    await expect(handlers.handle(job)).resolves.toBeUndefined();
    const delivery = await t.app.get(DeliveryRepository).find(tenant.id, notificationId(job));
    expect(delivery).toMatchObject({ status: 'skipped', attempts: 0, lastError: null });
    expect(add).not.toHaveBeenCalled();
    expect(smtp.received.filter((mail) => mail.body.includes(id) && mail.to.includes('bob@example.com'))).toHaveLength(1);
    const metrics = (await t.request({ method: 'GET', url: '/metrics' })).text;
    expect(metrics).toContain('notification_deliveries_total{kind="email.reminder",outcome="skipped"} 1');
  });
});
