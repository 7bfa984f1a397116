import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { NOTIFICATIONS_QUEUE } from '../src/modules/notifications/notification-jobs';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { startReceiver, startSmtp } from './support/notifications';

const SECRET = 'receiver-secret-0123456789abcdef-XYZ';
const APPROVERS = Array.from({ length: 20 }, (_, i) => `approver${i}@example.com`);

describe('notifications under 20 concurrent approvals of a request needing 2', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    [smtp, receiver] = await Promise.all([startSmtp(), startReceiver()]);
    t = await startTestApp({ SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '3600' });
    tenant = await createTenant(t);
    const body = { name: 'provisioning', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } };
    expect((await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body })).status).toBe(201);
    const group = { approvals_needed: 2, email_addresses: APPROVERS };
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [group], notification_channel: 'provisioning' });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([smtp.close(), receiver.close()]);
  });

  /** Nothing waiting or running (reminders, an hour away, stay delayed). */
  const drained = async () => {
    const queue = t.app.get<Queue>(getQueueToken(NOTIFICATIONS_QUEUE));
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
    return counts.waiting + counts.active + counts.prioritized === 0;
  };

  it('activates once, sends one grant.activated event and one email to the requester', async () => {
    const created = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user('alice'), action: action('sudo'), resource: host('db1'), requester_email: 'alice@example.com' },
    });
    expect(created.body.status).toBe('pending_approval');
    const id = created.body.id as string;
    const invitations = await waitFor(async () => smtp.received.filter((m) => m.body.includes(id)), (m) => m.length >= 20);
    expect(invitations).toHaveLength(20);

    const answers = await Promise.all(
      APPROVERS.map((approver_email) =>
        tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email, decision: 'approve' } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'invalid_state')).toBe(true);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(18);

    const toRequester = () => smtp.received.filter((m) => m.to[0] === 'alice@example.com' && m.body.includes(id));
    await waitFor(async () => toRequester(), (m) => m.length >= 1);
    await waitFor(drained, (done) => done);
    const events = receiver.hits.filter((hit) => hit.body.includes(id)).map((hit) => JSON.parse(hit.body).type);
    expect(events.filter((type) => type === 'grant.activated')).toHaveLength(1);
    expect(events.filter((type) => type === 'grant.approved')).toHaveLength(1);
    expect(toRequester()).toHaveLength(1);
    const audit = await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${id}&action=grant.activated` });
    expect(audit.body.data).toHaveLength(1);
  });
});
