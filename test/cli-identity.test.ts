// `jit request`, `jit release` and `jit approvals` against the identity endpoints (POST /v1/grants/{id}/release,
// GET /v1/me/approvals, keys bound to a person by subject_email; PRODUCT.md section 16).
import { startTestApp, TestApp } from './support/app';
import { jit, listen } from './support/cli';
import { createTenant, TestTenant } from './support/factories';
import { permitPolicy, user } from './support/grants';
import { startSmtp } from './support/notifications';

describe('jit release and jit approvals (identity endpoints)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let url: string;
  let tenant: TestTenant;
  const env = (key: string) => ({ JIT_URL: url, JIT_TENANT: tenant.id, JIT_API_KEY: key });
  const ask = (principal: string, actionId: string) =>
    tenant.as('requester')({ method: 'POST', url: '/v1/grants', body: { principal: user(principal), action: { type: 'Action', id: actionId }, resource: { type: 'Host', id: 'db' }, duration_seconds: 600 } });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url });
    url = await listen(t);
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    await permitPolicy(tenant, 'bob', 'psql', { approval_required: true, approval_groups: [{ approvals_needed: 1, email_addresses: ['carol@example.com'] }] });
    await permitPolicy(tenant, 'dan@example.com', 'ssh');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('releases an active grant early and cancels a pending request', async () => {
    const active = (await ask('alice', 'ssh')).body as { id: string; status: string };
    expect(active.status).toBe('active');
    const released = await jit(['--json', 'release', active.id], env(tenant.keys.admin));
    expect(released.code).toBe(0);
    expect(JSON.parse(released.stdout)).toMatchObject({ id: active.id, status: 'revoked', ended_reason: 'released by requester' });
    const check = await jit(['check', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::db'], env(tenant.keys.requester));
    expect(check.code).toBe(1);
    const again = await jit(['release', active.id], env(tenant.keys.admin));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HTTP 409');

    const pending = (await ask('bob', 'psql')).body as { id: string };
    const cancelled = await jit(['release', pending.id], env(tenant.keys.admin));
    expect([cancelled.code, cancelled.stdout]).toEqual([0, expect.stringContaining(`grant ${pending.id}: cancelled`)]);
  });

  it('lists the requests waiting for the approver the key is bound to', async () => {
    const made = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'carol', role: 'approver', subject_email: 'carol@example.com' } });
    expect(made.status).toBe(201);
    const carol = made.body.key as string;
    const pending = (await ask('bob', 'psql')).body as { id: string };
    const listed = await jit(['--json', 'approvals'], env(carol));
    expect(listed.code).toBe(0);
    const waiting = JSON.parse(listed.stdout) as { data: { grant: { id: string }; groups: { approvals_needed: number; approvals: number; members_count: number }[] }[] };
    expect(waiting.data.map((w) => w.grant.id)).toContain(pending.id);
    // GET /v1/me/approvals also gives each group's size (README "Identity"; identity-people.test.ts).
    expect(waiting.data.find((w) => w.grant.id === pending.id)?.groups).toEqual([{ approvals_needed: 1, approvals: 0, members_count: 1 }]);
    expect((await jit(['approvals'], env(carol))).stdout).toContain(pending.id);

    expect((await jit(['approve', pending.id], env(carol))).code).toBe(0);
    expect((await jit(['approvals'], env(carol))).stdout).toContain('nothing is waiting for you');
  });

  it('requests for the person a key is bound to when --principal is left out, and needs it with a service key', async () => {
    const made = await tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'dan', role: 'requester', subject_email: 'dan@example.com' } });
    const mine = await jit(['--json', 'request', '--action', 'ssh', '--resource', 'Host::db', '--for', '10m'], env(made.body.key as string));
    expect(mine.code).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ status: 'active', principal: { type: 'User', id: 'dan@example.com' }, requester_email: 'dan@example.com' });
    const service = await jit(['request', '--action', 'ssh', '--resource', 'Host::db'], env(tenant.keys.requester));
    expect([service.code, service.stderr]).toEqual([1, expect.stringContaining('principal is required with a service key')]);
  });
});
