import { PrismaService } from '../src/infra/prisma/prisma.service';
import { NotificationChannelsRepository } from '../src/modules/notification-channels/notification-channels.repository';
import { GRANT_EVENTS } from '../src/modules/grants/grant-events';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';

const SECRET = 'webhook-secret-0123456789abcdef-XYZ';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/slack-secret-token';
const URL_ = '/v1/notification-channels';

describe('notification channels', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t, 'other')]);
  });

  const webhook = (who: TestTenant, name: string, extra: Record<string, unknown> = {}) =>
    who.admin({
      method: 'POST',
      url: URL_,
      body: { name, type: 'webhook', config: { url: 'https://example.com/hook', secret: SECRET }, ...extra },
    });
  const repo = () => t.app.get(NotificationChannelsRepository);

  it('creates each type and never shows secrets, in any response or audit event', async () => {
    const hook = await webhook(tenant, 'provisioning', { event_filters: ['grant.revoked', 'grant.activated'] });
    expect(hook.status).toBe(201);
    expect(hook.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'provisioning',
      type: 'webhook',
      config: { url: 'https://example.com/hook', has_secret: true },
      event_filters: ['grant.activated', 'grant.revoked'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const slack = await tenant.admin({ method: 'POST', url: URL_, body: { name: 'slack', type: 'slack', config: { url: SLACK_URL } } });
    expect(slack.status).toBe(201);
    expect(slack.body).toMatchObject({ type: 'slack', config: { has_url: true }, event_filters: [...GRANT_EVENTS] });
    const email = await tenant.admin({
      method: 'POST',
      url: URL_,
      body: { name: 'mail', type: 'email', config: { to: ['Sec@Example.com'] }, event_filters: ['grant.expired'] },
    });
    expect(email.status).toBe(201);
    expect(email.body).toMatchObject({ type: 'email', config: { to: ['sec@example.com'] }, event_filters: ['grant.expired'] });

    const texts = [
      hook.text,
      slack.text,
      (await tenant.admin({ method: 'GET', url: `${URL_}?limit=500` })).text,
      (await tenant.as('auditor')({ method: 'GET', url: `${URL_}/${hook.body.id}` })).text,
      (await tenant.as('auditor')({ method: 'GET', url: `${URL_}/${slack.body.id}` })).text,
      JSON.stringify((await t.app.get(PrismaService).auditEvent.findMany({ where: { tenantId: tenant.id } })).map((e) => e.data)),
    ];
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('slack-secret-token');
    }
    const stored = await repo().findByName(tenant.id, 'provisioning');
    expect(stored).toMatchObject({ type: 'webhook', config: { url: 'https://example.com/hook' }, secrets: { secret: SECRET } });
    expect((await repo().findByName(tenant.id, 'slack'))?.secrets).toEqual({ url: SLACK_URL });
  });

  it('updates partially: the secret stays unless replaced, the type never changes', async () => {
    const { body } = await webhook(tenant, 'patchable');
    const url = `${URL_}/${body.id}`;
    const moved = await tenant.admin({ method: 'PATCH', url, body: { config: { url: 'https://example.org/new' } } });
    expect(moved.status).toBe(200);
    expect(moved.body.config).toEqual({ url: 'https://example.org/new', has_secret: true });
    expect((await repo().findByName(tenant.id, 'patchable'))?.secrets).toEqual({ secret: SECRET });

    const rotated = await tenant.admin({
      method: 'PATCH',
      url,
      body: { config: { secret: 'r'.repeat(40) }, event_filters: ['grant.expired'] },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain('r'.repeat(40));
    expect(rotated.body.event_filters).toEqual(['grant.expired']);
    expect((await repo().findByName(tenant.id, 'patchable'))?.secrets).toEqual({ secret: 'r'.repeat(40) });

    const typeChange = await tenant.admin({ method: 'PATCH', url, body: { type: 'slack' } });
    expect(typeChange.status).toBe(400);
    expect(Object.keys(typeChange.body.details.fields)).toEqual(['type']);
    const unknownKey = await tenant.admin({ method: 'PATCH', url, body: { config: { to: ['a@example.com'] } } });
    expect(unknownKey.status).toBe(400);
    expect(Object.keys(unknownKey.body.details.fields)).toEqual(['config.to']);

    const events = await t.app.get(PrismaService).auditEvent.findMany({ where: { targetId: body.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual([
      'notification_channel.created',
      'notification_channel.updated',
      'notification_channel.updated',
    ]);
    expect(events.map((e) => (e.data as { secrets_changed?: boolean }).secrets_changed)).toEqual([undefined, false, true]);
  });

  it('validates and names the fields', async () => {
    const cases: [unknown, string[]][] = [
      [{ name: 'v', type: 'pager', config: {} }, ['type']],
      [{ name: 'v', type: 'webhook', config: { url: 'ftp://example.com', secret: 'short' } }, ['config.url', 'config.secret']],
      [{ name: 'v', type: 'webhook', config: { url: 'https://u:p@example.com', secret: SECRET } }, ['config.url']],
      [{ name: 'v', type: 'slack', config: { url: 'not a url' } }, ['config.url']],
      [{ name: 'v', type: 'email', config: { to: ['nope'] } }, ['config.to']],
      [{ name: 'v', type: 'email', config: { to: ['a@example.com'], cc: [] } }, ['config.cc']],
      [{ name: 'v', type: 'email', config: [] }, ['config']],
      [{ name: 'v', type: 'email', config: { to: ['a@example.com'] }, event_filters: ['grant.exploded'] }, ['event_filters']],
      [{ name: 'v', type: 'email', config: { to: ['a@example.com'] }, event_filters: [] }, ['event_filters']],
      [{ type: 'email', config: { to: ['a@example.com'] } }, ['name']],
    ];
    for (const [body, fields] of cases) {
      const response = await tenant.admin({ method: 'POST', url: URL_, body });
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status: 400, code: 'invalid_input' });
      expect(Object.keys(response.body.details.fields).sort()).toEqual([...fields].sort());
    }
  });

  it('refuses a duplicate name with 409', async () => {
    expect((await webhook(tenant, 'twice')).status).toBe(201);
    const again = await webhook(tenant, 'twice');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const second = await webhook(tenant, 'twice-2');
    expect((await tenant.admin({ method: 'PATCH', url: `${URL_}/${second.body.id}`, body: { name: 'twice' } })).status).toBe(409);
    expect((await webhook(other, 'twice')).status).toBe(201);
  });

  it('lets admins write and auditors read, nobody else', async () => {
    const { body } = await webhook(tenant, 'roles');
    const auditor = tenant.as('auditor');
    expect((await auditor({ method: 'GET', url: URL_ })).status).toBe(200);
    expect((await auditor({ method: 'POST', url: URL_, body: { name: 'x', type: 'slack', config: { url: SLACK_URL } } })).status).toBe(403);
    expect((await auditor({ method: 'PATCH', url: `${URL_}/${body.id}`, body: { name: 'x' } })).status).toBe(403);
    expect((await auditor({ method: 'DELETE', url: `${URL_}/${body.id}` })).status).toBe(403);
    expect((await tenant.as('requester')({ method: 'GET', url: `${URL_}/${body.id}` })).status).toBe(403);
  });

  it('answers 404 for another tenant\'s channel on every endpoint', async () => {
    const theirs = await webhook(other, 'theirs');
    const url = `${URL_}/${theirs.body.id}`;
    for (const request of [
      { method: 'GET' as const, url },
      { method: 'PATCH' as const, url, body: { config: { url: 'https://attacker.example/' } } },
      { method: 'DELETE' as const, url },
    ]) {
      const response = await tenant.admin(request);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    const listed = await tenant.admin({ method: 'GET', url: `${URL_}?limit=500` });
    expect(listed.body.data.map((c: { id: string }) => c.id)).not.toContain(theirs.body.id);
    expect((await other.admin({ method: 'GET', url })).body.config.url).toBe('https://example.com/hook');
    expect(await repo().existsByName(tenant.id, 'theirs')).toBe(false);
    expect(await repo().findByName(tenant.id, 'theirs')).toBeNull();
  });

  it('refuses to delete or rename a channel that a policy names', async () => {
    const { body } = await webhook(tenant, 'in-use');
    const prisma = t.app.get(PrismaService);
    const policy = await prisma.policy.create({
      data: { tenantId: tenant.id, name: 'notifies', maxDurationSeconds: 600, notificationChannel: 'in-use' },
    });
    const url = `${URL_}/${body.id}`;
    const deleting = await tenant.admin({ method: 'DELETE', url });
    expect(deleting.status).toBe(409);
    expect(deleting.body).toMatchObject({ code: 'conflict', details: { policy_ids: [policy.id] } });
    expect((await tenant.admin({ method: 'PATCH', url, body: { name: 'renamed' } })).status).toBe(409);
    expect((await tenant.admin({ method: 'PATCH', url, body: { name: 'in-use', event_filters: ['grant.revoked'] } })).status).toBe(200);
    expect(await repo().existsByName(tenant.id, 'in-use')).toBe(true);

    await prisma.policy.update({ where: { id: policy.id }, data: { notificationChannel: null } });
    expect((await tenant.admin({ method: 'PATCH', url, body: { name: 'renamed' } })).status).toBe(200);
    expect((await tenant.admin({ method: 'DELETE', url })).status).toBe(204);
    expect((await tenant.admin({ method: 'GET', url })).status).toBe(404);
    const actions = (await prisma.auditEvent.findMany({ where: { targetId: body.id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual([
      'notification_channel.created',
      'notification_channel.updated',
      'notification_channel.updated',
      'notification_channel.deleted',
    ]);
  });
});

describe('notification channel receivers on private addresses', () => {
  const t = useTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  it('refuses loopback, private, link-local and metadata URLs at creation and on PATCH, naming config.url', async () => {
    const urls = ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest', 'http://10.1.2.3/x', 'http://[::ffff:192.168.0.1]/x'];
    for (const url of urls) {
      const hook = await tenant.admin({ method: 'POST', url: URL_, body: { name: 'h', type: 'webhook', config: { url, secret: SECRET } } });
      expect([url, hook.status]).toEqual([url, 400]);
      expect(hook.body.details.fields['config.url'][0]).toContain('public address');
      const slack = await tenant.admin({ method: 'POST', url: URL_, body: { name: 's', type: 'slack', config: { url } } });
      expect([url, slack.status]).toEqual([url, 400]);
    }
    const ok = await tenant.admin({ method: 'POST', url: URL_, body: { name: 'public', type: 'webhook', config: { url: 'https://203.0.113.10/hook', secret: SECRET } } });
    expect(ok.status).toBe(201);
    const patched = await tenant.admin({ method: 'PATCH', url: `${URL_}/${ok.body.id}`, body: { config: { url: 'http://127.0.0.1/x' } } });
    expect(patched.status).toBe(400);
    expect(patched.body.details.fields).toHaveProperty(['config.url']);
    expect((await tenant.admin({ method: 'GET', url: `${URL_}/${ok.body.id}` })).body.config.url).toBe('https://203.0.113.10/hook');
  });
});
