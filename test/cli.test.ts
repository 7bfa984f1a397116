import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OPERATOR_KEY, startTestApp, TestApp } from './support/app';
import { jit, listen } from './support/cli';
import { createApiKey } from './support/factories';
import { startSmtp } from './support/notifications';

const SECRET = 's'.repeat(40);

describe('jit command line (subprocess against the running service)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let url: string;
  let tenant: string;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'jit-cli-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const as = (key: string, extra: Record<string, string> = {}) => ({ JIT_URL: url, JIT_TENANT: tenant, JIT_API_KEY: key, ...extra });
  const bundle = (extraTests = '') => `
version: 1
email_lists:
  - name: dbas
    emails: [carol@example.com, dave@example.com]
notification_channels:
  - name: hooks
    type: webhook
    config: {url: "http://127.0.0.1:9/hook", secret: {from_env: HOOK_SECRET}}
policies:
  - name: ssh for alice
    max_duration_seconds: 14400
    default_duration_seconds: 3600
    purpose_justification_required: true
    purpose_justification_prompt: Which incident?
    notification_channel: hooks
    rules:
      - {effect: permit, principal_scope_type: eq, principal_entity_type: User, principal_entity_id: alice, action_scope_type: eq, action_ids: [ssh], resource_scope_type: any}
      - {effect: forbid, principal_scope_type: any, action_scope_type: any, resource_scope_type: eq, resource_entity_type: Host, resource_entity_id: vault, notice: the vault is closed}
  - name: db for bob
    max_duration_seconds: 3600
    approval_required: true
    approval_groups: [{approvals_needed: 1, email_list: dbas}]
    rules:
      - {effect: permit, principal_scope_type: eq, principal_entity_type: User, principal_entity_id: bob, action_scope_type: eq, action_ids: [psql], resource_scope_type: any}
tests:
  - {name: alice may ssh, principal: {type: User, id: alice}, action: {type: Action, id: ssh}, resource: {type: Host, id: prod-db-1}, expect: allow}
  - {name: vault is closed, principal: {type: User, id: alice}, action: {type: Action, id: ssh}, resource: {type: Host, id: vault}, expect: deny}
${extraTests}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url });
    url = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('exits 2 on usage and connection errors, printing no stack', async () => {
    const missing = await jit(['request', '--action', 'ssh'], { JIT_URL: 'http://127.0.0.1:9', JIT_TENANT: 'x', JIT_API_KEY: 'k' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--resource <uid>'");
    const duration = await jit(['request', '--action', 'ssh', '--resource', 'Host::a', '--principal', 'User::a', '--for', '2w'], { JIT_URL: url, JIT_TENANT: 'x', JIT_API_KEY: 'k' });
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('--for must be a positive duration');
    const unreachable = await jit(['check', '--principal', 'User::a', '--action', 'ssh', '--resource', 'Host::a'], { JIT_URL: 'http://127.0.0.1:9', JIT_TENANT: 'x', JIT_API_KEY: 'k' });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
    expect((await jit(['--help'], {})).code).toBe(0);
  });

  it('creates tenants and keys as the operator and the admin', async () => {
    const created = await jit(['--json', 'tenant', 'create', '--name', 'acme'], { JIT_URL: url, JIT_API_KEY: OPERATOR_KEY });
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout) as { tenant_id: string; admin_api_key: string };
    tenant = body.tenant_id;
    admin = body.admin_api_key;
    const list = await jit(['tenant', 'list'], { JIT_URL: url, JIT_API_KEY: OPERATOR_KEY });
    expect(list.stdout).toContain(`${tenant}  acme`);
    const key = JSON.parse((await jit(['--json', 'key', 'create', '--name', 'ci', '--role', 'auditor'], as(admin))).stdout) as { id: string; key: string };
    expect(key.key).toEqual(expect.any(String));
    expect((await jit(['key', 'list'], as(admin))).stdout).toContain(`${key.id}  auditor`);
    expect((await jit(['key', 'revoke', key.id], as(admin))).code).toBe(0);
    const refused = await jit(['key', 'list'], as(key.key));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(unauthenticated, HTTP 401)');
    const bad = await jit(['key', 'create', '--name', 'x', '--role', 'king'], as(admin));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/role/);
  });

  it('plans, applies and exports policy bundles with secrets from the environment', async () => {
    const good = file('policies.yaml', bundle());
    const noSecret = await jit(['policy', 'plan', good], as(admin));
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('HOOK_SECRET is not set');
    const planned = await jit(['policy', 'plan', good], as(admin, { HOOK_SECRET: SECRET }));
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('PASS alice may ssh: allow');
    expect(planned.stdout).toContain('+ policy ssh for alice');
    const failing = file('failing.yaml', bundle('  - {name: bob may ssh, principal: {type: User, id: bob}, action: {type: Action, id: ssh}, resource: {type: Host, id: a}, expect: allow}'));
    const failed = await jit(['policy', 'plan', failing], as(admin, { HOOK_SECRET: SECRET }));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAIL bob may ssh: deny');
    const refused = await jit(['policy', 'apply', failing], as(admin, { HOOK_SECRET: SECRET }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('expectation(s) of the bundle failed');
    const stale = await jit(['policy', 'apply', good, '--if-match', '999'], as(admin, { HOOK_SECRET: SECRET }));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('(conflict, HTTP 409)');
    const applied = await jit(['--json', 'policy', 'apply', good], as(admin, { HOOK_SECRET: SECRET }));
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, valid: true });

    const exported = await jit(['policy', 'export'], as(admin));
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain(SECRET);
    const again = await jit(['policy', 'apply', file('exported.yaml', exported.stdout)], as(admin));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
    expect(parse(exported.stdout)).toEqual(parse((await jit(['policy', 'export'], as(admin))).stdout));
  });

  it('requests, checks, extends, approves and audits', async () => {
    const requester = await createApiKey(t, tenant, 'requester');
    const approver = await createApiKey(t, tenant, 'approver');
    const auditor = await createApiKey(t, tenant, 'auditor');
    const prompt = await jit(['request', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::prod-db-1', '--for', '2h'], as(requester));
    expect(prompt.code).toBe(1);
    expect(prompt.stderr).toContain('justification required: Which incident?');
    const denied = await jit(['request', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::vault', '--why', 'INC-1'], as(requester));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('notice: the vault is closed');
    const granted = await jit(['--json', 'request', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::prod-db-1', '--for', '2h', '--why', 'INC-42'], as(requester));
    expect(granted.code).toBe(0);
    const grant = JSON.parse(granted.stdout) as { id: string; status: string; duration_seconds: number };
    expect(grant).toMatchObject({ status: 'active', duration_seconds: 7200 });
    expect((await jit(['status', grant.id], as(requester))).stdout).toContain(`grant ${grant.id}: active`);
    const allowed = await jit(['check', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::prod-db-1'], as(requester));
    expect([allowed.code, allowed.stdout]).toEqual([0, expect.stringContaining(`allowed by grant ${grant.id}`)]);
    expect((await jit(['check', '--principal', 'User::alice', '--action', 'ssh', '--resource', 'Host::other'], as(requester))).code).toBe(1);
    const extended = await jit(['--json', 'extend', grant.id, '--by', '30m'], as(requester));
    expect(extended.code).toBe(0);
    expect(JSON.parse(extended.stdout).duration_seconds).toBe(7200 + 1800);
    expect((await jit(['extend', grant.id, '--by', '1d'], as(requester))).code).toBe(1);

    const pending = JSON.parse((await jit(['--json', 'request', '--principal', 'User::bob', '--action', 'psql', '--resource', 'Db::orders', '--for', '90s'], as(requester))).stdout) as { id: string; status: string };
    expect(pending.status).toBe('pending_approval');
    const approved = await jit(['approve', pending.id, '--as', 'carol@example.com', '--comment', 'ok'], as(approver));
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`grant ${pending.id}: active`);
    const other = JSON.parse((await jit(['--json', 'request', '--principal', 'User::bob', '--action', 'psql', '--resource', 'Db::users', '--for', '90s'], as(requester))).stdout) as { id: string };
    expect((await jit(['deny', other.id], as(approver, { JIT_EMAIL: 'dave@example.com' }))).stdout).toContain('denied');
    expect((await jit(['deny', other.id], as(approver, { JIT_EMAIL: 'dave@example.com' }))).code).toBe(1);

    const verify = await jit(['audit', 'verify'], as(auditor));
    expect([verify.code, verify.stdout]).toEqual([0, expect.stringContaining('chain intact')]);
    const csv = await jit(['audit', 'export', '--format', 'csv'], as(auditor));
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toContain('action');
    expect(csv.stdout).toContain('policy_bundle.applied');
    const history = await jit(['--json', 'grants', '--principal', 'User::alice', '--since', '7d'], as(auditor));
    const ids = (JSON.parse(history.stdout) as { data: { id: string }[] }).data.map((g) => g.id);
    expect(ids).toContain(grant.id);
    expect(ids).not.toContain(pending.id);
  });

  it('keeps the offline operator commands: migrate and tenant create against the database', async () => {
    const env = { DATABASE_URL: t.config.databaseUrl, REDIS_URL: t.config.redisUrl, REDIS_PREFIX: t.config.redisPrefix, LOG_LEVEL: 'silent' };
    const migrated = await jit(['migrate'], env);
    expect([migrated.code, migrated.stdout.trim()]).toEqual([0, 'database is up to date']);
    const created = await jit(['tenant', 'create', '--name', 'offline'], env);
    expect(created.code).toBe(0);
    const key = /admin_api_key: (\S+)/.exec(created.stdout)?.[1] as string;
    const id = /tenant_id: (\S+)/.exec(created.stdout)?.[1] as string;
    expect((await jit(['key', 'list'], { JIT_URL: url, JIT_TENANT: id, JIT_API_KEY: key })).code).toBe(0);
  });
});
