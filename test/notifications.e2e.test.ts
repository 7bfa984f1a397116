import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';
import { approvalPath, startReceiver, startSmtp } from './support/notifications';
import { verifyWebhook } from '../src/modules/notifications/webhook-signature';

const SECRET = 'receiver-secret-0123456789abcdef-XYZ';
const APPROVERS = ['bob@example.com', 'carol@example.com'];

describe('notifications end to end: email links, requester outcome, signed webhooks, Slack', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    [smtp, receiver] = await Promise.all([startSmtp(), startReceiver()]);
    t = await startTestApp({ SMTP_URL: smtp.url, REMINDER_INTERVAL_SECONDS: '3600', PUBLIC_BASE_URL: 'https://jit.example.com' });
    tenant = await createTenant(t);
    const channels = [
      { name: 'provisioning', type: 'webhook', config: { url: `${receiver.url}/hook`, secret: SECRET } },
      { name: 'chat', type: 'slack', config: { url: `${receiver.url}/slack` } },
    ];
    for (const body of channels) expect((await tenant.admin({ method: 'POST', url: '/v1/notification-channels', body })).status).toBe(201);
    const group = { approvals_needed: 2, email_addresses: APPROVERS };
    await permitPolicy(tenant, 'alice', 'sudo', { approval_required: true, approval_groups: [group], notification_channel: 'provisioning' });
    await permitPolicy(tenant, 'alice', 'deploy', { approval_required: true, approval_groups: [group], notification_channel: 'chat' });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([smtp.close(), receiver.close()]);
  });

  const request = async (actionId: string) => {
    const response = await tenant.as('requester')({
      method: 'POST',
      url: '/v1/grants',
      body: { principal: user('alice'), action: action(actionId), resource: host('db1'), justification: '<b>INC-7</b> & co', requester_email: 'alice@example.com' },
    });
    expect(response.body.status).toBe('pending_approval');
    return response.body.id as string;
  };
  const mailsFor = (grantId: string) => smtp.received.filter((mail) => mail.body.includes(grantId));
  const approveByLink = (path: string) =>
    t.request({ method: 'POST', url: path, payload: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('emails each approver a personal link; both approve over HTTP; the requester hears; the webhook gets signed events', async () => {
    const id = await request('sudo');
    const invitations = await waitFor(async () => mailsFor(id), (mails) => mails.length >= 2);
    expect(invitations.map((mail) => mail.to).sort()).toEqual(APPROVERS.map((a) => [a]));
    for (const mail of invitations) {
      expect(mail.subject).toContain('Approval needed');
      const html = mail.body.slice(mail.body.indexOf('Content-Type: text/html'));
      expect(html).toContain('&lt;b&gt;INC-7&lt;/b&gt; &amp; co');
      expect(html).not.toContain('<b>INC-7</b>');
      expect(mail.body).toContain('https://jit.example.com/approvals/');
    }
    for (const mail of invitations) expect((await approveByLink(approvalPath(mail.body))).status).toBe(200);
    const grant = (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body;
    expect(grant.status).toBe('active');

    const outcome = await waitFor(async () => mailsFor(id).filter((mail) => mail.to[0] === 'alice@example.com'), (m) => m.length >= 1);
    expect(outcome).toHaveLength(1);
    expect(outcome[0].subject).toContain('Access granted');
    expect(outcome[0].body).toContain(grant.expires_at);

    const events = await waitFor(
      async () => receiver.hits.filter((hit) => hit.path === '/hook' && hit.body.includes(id)),
      (hits) => hits.length >= 3,
    );
    for (const hit of events) expect(verifyWebhook(SECRET, hit.body, hit.headers)).toMatchObject({ valid: true });
    const bodies = events.map((hit) => JSON.parse(hit.body));
    expect(bodies.map((b) => b.type).sort()).toEqual(['grant.activated', 'grant.approved', 'grant.requested']);
    const activated = bodies.find((b) => b.type === 'grant.activated');
    expect(activated).toMatchObject({ tenant_id: tenant.id, occurred_at: grant.activated_at, grant: { id, status: 'active' } });
    expect(new Set(bodies.map((b) => b.id)).size).toBe(3);
  });

  it('posts a Slack request with one link button per approver, and the outcome after a denial', async () => {
    const id = await request('deploy');
    const slack = () => receiver.hits.filter((hit) => hit.path === '/slack' && hit.body.includes(id)).map((hit) => JSON.parse(hit.body));
    const [message] = await waitFor(async () => slack(), (posts) => posts.length >= 1);
    const buttons = message.blocks.filter((b: { accessory?: unknown }) => b.accessory).map((b: { accessory: { url: string } }) => b.accessory.url);
    expect(buttons).toHaveLength(2);
    const path = new URL(buttons[0]).pathname;
    const denied = await t.request({ method: 'POST', url: path, payload: 'decision=deny&comment=not+now', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(denied.status).toBe(200);
    const posts = await waitFor(async () => slack(), (p) => p.length >= 2);
    expect(posts[1].text).toContain('Request denied');
    expect(JSON.stringify(posts[1].blocks)).toContain('not now');
    const told = await waitFor(async () => mailsFor(id).filter((mail) => mail.to[0] === 'alice@example.com'), (m) => m.length >= 1);
    expect(told[0].subject).toContain('Access request denied');
  });
});
