import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Client } from 'pg';
import { Access, ACCESS_KEY } from '../src/common/auth/roles';
import { ApprovalTokensService } from '../src/modules/approvals/approval-tokens.service';
import { OPERATOR_KEY, RequestOptions, TestApp, TestResponse } from './support/app';
import { startSmtp } from './support/notifications';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user, waitFor } from './support/grants';

interface EventView {
  seq: number;
  actor: { type: string; id: string | null; email?: string };
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
}

interface Route {
  method: keyof typeof RequestMethod;
  path: string;
  access: Access | undefined;
}

/** POST routes the contract defines as reads: they may be open to auditors, but must still change nothing. */
const READ_ONLY_POSTS = new Set(['POST /v1/policies/simulate', 'POST /v1/access/check', 'POST /v1/access/check/batch']);

const join = (...parts: string[]) => `/${parts.join('/').split('/').filter(Boolean).join('/')}`;

/** Every route the running application registered, with its access declaration, as RouteAccessCheck sees them. */
function registeredRoutes(t: TestApp): Route[] {
  const scanner = t.app.get(MetadataScanner);
  const reflector = t.app.get(Reflector);
  const routes: Route[] = [];
  for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, () => void>)[name]!;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] as keyof typeof RequestMethod;
      const access = reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, wrapper.metatype]);
      for (const prefix of base) for (const path of ([] as string[]).concat(paths)) routes.push({ method, path: join(prefix, path), access });
    }
  }
  return routes;
}

describe('audit coverage', () => {
  // Its own SMTP sink: approver emails go out for real (and change nothing in the audit trail).
  const env: Record<string, string> = {};
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    env.SMTP_URL = smtp.url;
  });
  afterAll(() => smtp.close());
  const t = useTestApp(env);
  let tenant: TestTenant;
  const keyId = (key: string) => key.split('_')[1] as string;
  const adminActor = () => ({ type: 'api_key', id: keyId(tenant.keys.admin) });

  const head = async (who: TestTenant): Promise<number> => {
    const response = await who.as('auditor')({ method: 'GET', url: '/v1/audit/verify' });
    expect(response.body.valid).toBe(true);
    return response.body.events_checked as number;
  };
  const eventsAfter = async (who: TestTenant, seq: number): Promise<EventView[]> => {
    const response = await who.as('auditor')({ method: 'GET', url: '/v1/audit/events?order=asc&limit=500' });
    return (response.body.data as EventView[]).filter((e) => e.seq > seq);
  };
  /**
   * Runs one change and returns its response and the events it appended: exactly one by default, or exactly the
   * `actions` given (a request decided at once is its grant.requested and its grant.activated or grant.denied).
   */
  const change = async (who: TestTenant, request: () => Promise<TestResponse>, status: number, actions?: string[]) => {
    const before = await head(who);
    const response = await request();
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    const events = await eventsAfter(who, before);
    if (actions) expect(events.map((e) => e.action)).toEqual(actions);
    else expect(events.map((e) => e.action)).toHaveLength(1);
    return { response, event: events[0]!, events };
  };
  const noEvent = async (who: TestTenant, request: () => Promise<TestResponse>, status: number) => {
    const before = await head(who);
    expect((await request()).status).toBe(status);
    expect(await eventsAfter(who, before)).toEqual([]);
  };
  const admin = (options: RequestOptions) => () => tenant.admin(options);

  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  it('tenant creation: one event by the operator, then one per key the operator creates', async () => {
    const events = await eventsAfter(tenant, 0);
    expect(events.map((e) => [e.action, e.actor, e.target_type])).toEqual([
      ['tenant.created', { type: 'system', id: 'operator' }, 'tenant'],
      ...Array(4).fill(['api_key.created', { type: 'system', id: 'operator' }, 'api_key']),
    ]);
    expect(events[0]!.target_id).toBe(tenant.id);
  });

  it('API keys: created and revoked by the admin key, once each', async () => {
    const { response, event } = await change(tenant, admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'ci', role: 'requester' } }), 201);
    expect(event).toMatchObject({ action: 'api_key.created', actor: adminActor(), target_type: 'api_key', target_id: response.body.id, data: { name: 'ci', role: 'requester' } });
    expect(JSON.stringify(event)).not.toContain(response.body.key.split('_').slice(2).join('_'));
    const revoked = await change(tenant, admin({ method: 'DELETE', url: `/v1/api-keys/${response.body.id}` }), 204);
    expect(revoked.event).toMatchObject({ action: 'api_key.revoked', actor: adminActor(), target_type: 'api_key', target_id: response.body.id });
    await noEvent(tenant, admin({ method: 'DELETE', url: `/v1/api-keys/${response.body.id}` }), 204);
    await noEvent(tenant, admin({ method: 'POST', url: '/v1/api-keys', body: { name: 'bad', role: 'root' } }), 400);
  });

  it('operator key creation is one event by the operator', async () => {
    const request = () =>
      t.request({ method: 'POST', url: `/v1/tenants/${tenant.id}/api-keys`, headers: { 'x-api-key': OPERATOR_KEY }, body: { name: 'op', role: 'auditor' } });
    const { response, event } = await change(tenant, request, 201);
    expect(event).toMatchObject({ action: 'api_key.created', actor: { type: 'system', id: 'operator' }, target_id: response.body.id });
  });

  it('email lists: created, updated and deleted, once each, by the admin key', async () => {
    const created = await change(tenant, admin({ method: 'POST', url: '/v1/email-lists', body: { name: 'oncall', emails: ['a@example.com'] } }), 201);
    const id = created.response.body.id as string;
    expect(created.event).toMatchObject({ action: 'email_list.created', actor: adminActor(), target_type: 'email_list', target_id: id });
    const updated = await change(tenant, admin({ method: 'PATCH', url: `/v1/email-lists/${id}`, body: { emails: ['b@example.com'] } }), 200);
    expect(updated.event).toMatchObject({ action: 'email_list.updated', actor: adminActor(), target_id: id });
    const deleted = await change(tenant, admin({ method: 'DELETE', url: `/v1/email-lists/${id}` }), 204);
    expect(deleted.event).toMatchObject({ action: 'email_list.deleted', actor: adminActor(), target_id: id });
    await noEvent(tenant, admin({ method: 'DELETE', url: `/v1/email-lists/${id}` }), 404);
  });

  it('notification channels: created, updated and deleted, once each, without their secrets', async () => {
    const secret = `s3cret-${randomUUID()}`;
    const body = { name: 'hooks', type: 'webhook', config: { url: 'https://hooks.example.com/jit', secret } };
    const created = await change(tenant, admin({ method: 'POST', url: '/v1/notification-channels', body }), 201);
    const id = created.response.body.id as string;
    expect(created.event).toMatchObject({ action: 'notification_channel.created', actor: adminActor(), target_type: 'notification_channel', target_id: id });
    const rotated = `r0tated-${randomUUID()}`;
    const updated = await change(tenant, admin({ method: 'PATCH', url: `/v1/notification-channels/${id}`, body: { config: { secret: rotated } } }), 200);
    expect(updated.event).toMatchObject({ action: 'notification_channel.updated', actor: adminActor(), target_id: id });
    const deleted = await change(tenant, admin({ method: 'DELETE', url: `/v1/notification-channels/${id}` }), 204);
    expect(deleted.event).toMatchObject({ action: 'notification_channel.deleted', actor: adminActor(), target_id: id });
    const exported = await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/events/export' });
    expect(exported.text).not.toContain(secret);
    expect(exported.text).not.toContain(rotated);
  });

  it('policies and rules: every change once, by the admin key', async () => {
    const ANY = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
    const created = await change(tenant, admin({ method: 'POST', url: '/v1/policies', body: { name: 'ssh', max_duration_seconds: 3600, rules: [ANY] } }), 201);
    const policyId = created.response.body.id as string;
    expect(created.event).toMatchObject({ action: 'policy.created', actor: adminActor(), target_type: 'policy', target_id: policyId });
    const updated = await change(tenant, admin({ method: 'PATCH', url: `/v1/policies/${policyId}`, body: { priority: 5 } }), 200);
    expect(updated.event).toMatchObject({ action: 'policy.updated', actor: adminActor(), target_id: policyId });

    const rules = `/v1/policies/${policyId}/rules`;
    const rule = await change(tenant, admin({ method: 'POST', url: rules, body: { ...ANY, effect: 'forbid', notice: 'no' } }), 201);
    const ruleId = rule.response.body.id as string;
    expect(rule.event).toMatchObject({ action: 'rule.created', actor: adminActor(), target_type: 'rule', target_id: ruleId });
    const ruleUpdated = await change(tenant, admin({ method: 'PATCH', url: `${rules}/${ruleId}`, body: { notice: 'still no' } }), 200);
    expect(ruleUpdated.event).toMatchObject({ action: 'rule.updated', actor: adminActor(), target_id: ruleId });
    const ids = [ruleId, created.response.body.rules[0].id as string];
    const reordered = await change(tenant, admin({ method: 'PATCH', url: `${rules}/reorder`, body: { ids } }), 200);
    expect(reordered.event).toMatchObject({ action: 'rule.reordered', actor: adminActor(), target_id: policyId });
    const ruleDeleted = await change(tenant, admin({ method: 'DELETE', url: `${rules}/${ruleId}` }), 204);
    expect(ruleDeleted.event).toMatchObject({ action: 'rule.deleted', actor: adminActor(), target_id: ruleId });
    await noEvent(tenant, admin({ method: 'POST', url: rules, body: { policy_text: 'permit(principal, action, resource' } }), 400);

    const deleted = await change(tenant, admin({ method: 'DELETE', url: `/v1/policies/${policyId}` }), 204);
    expect(deleted.event).toMatchObject({ action: 'policy.deleted', actor: adminActor(), target_id: policyId });
    await noEvent(tenant, admin({ method: 'DELETE', url: `/v1/policies/${policyId}` }), 404);
  });

  it('entities and the Cedar schema: every change once per object, by the admin key', async () => {
    const alice = { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Group', id: 'sre' }] };
    const upserted = await change(tenant, admin({ method: 'PUT', url: '/v1/entities', body: [alice] }), 200);
    expect(upserted.event).toMatchObject({ action: 'entity.upserted', actor: adminActor(), target_type: 'entity', target_id: 'User::"alice"' });
    const before = await head(tenant);
    const bob = { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [] };
    expect((await tenant.admin({ method: 'PUT', url: '/v1/entities', body: [alice, bob] })).status).toBe(200);
    expect((await eventsAfter(tenant, before)).map((e) => [e.action, e.target_id])).toEqual([
      ['entity.upserted', 'User::"alice"'],
      ['entity.upserted', 'User::"bob"'],
    ]);
    const removed = await change(tenant, admin({ method: 'DELETE', url: '/v1/entities/User/bob' }), 204);
    expect(removed.event).toMatchObject({ action: 'entity.deleted', actor: adminActor(), target_id: 'User::"bob"' });
    await noEvent(tenant, admin({ method: 'DELETE', url: '/v1/entities/User/bob' }), 404);

    const schema = { '': { entityTypes: { User: { memberOfTypes: ['Group'] }, Group: {} }, actions: {} } };
    const put = await change(tenant, admin({ method: 'PUT', url: '/v1/schema', body: { schema } }), 200);
    expect(put.event).toMatchObject({ action: 'schema.updated', actor: adminActor(), target_type: 'schema' });
    const dropped = await change(tenant, admin({ method: 'DELETE', url: '/v1/schema' }), 204);
    expect(dropped.event).toMatchObject({ action: 'schema.deleted', actor: adminActor(), target_type: 'schema' });
    await noEvent(tenant, admin({ method: 'DELETE', url: '/v1/schema' }), 404);
  });

  describe('grants and approvals', () => {
    const requesterActor = () => ({ type: 'api_key', id: keyId(tenant.keys.requester) });
    const grantFor = (actionId: string, extra: Record<string, unknown> = {}) => ({
      principal: user('alice'),
      action: action(actionId),
      resource: host(`h-${randomUUID()}`),
      justification: 'disk full, "again", on db1\nsee INC-7',
      ...extra,
    });
    const requestGrant = (body: Record<string, unknown>) => () => tenant.as('requester')({ method: 'POST', url: '/v1/grants', body });
    const decide = (id: string, approver_email: string) => () =>
      tenant.as('approver')({ method: 'POST', url: `/v1/grants/${id}/approvals`, body: { approver_email, decision: 'approve' } });
    let policyId: string;

    beforeAll(async () => {
      policyId = await permitPolicy(tenant, 'alice', 'ssh');
      await permitPolicy(tenant, 'alice', 'sudo', {
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }],
      });
      await permitPolicy(tenant, 'alice', 'wait', {
        approval_required: true,
        approval_groups: [{ approvals_needed: 1, email_addresses: ['boss@example.com'] }],
        approval_timeout_seconds: 60,
      });
    });

    it('request, extend and revoke: one event per transition, the request with its decision provenance', async () => {
      const body = grantFor('ssh', { duration_seconds: 600 });
      const { response, event, events } = await change(tenant, requestGrant(body), 201, ['grant.requested', 'grant.activated']);
      expect(events[1]).toMatchObject({ actor: requesterActor(), target_id: response.body.id, data: { grant: { id: response.body.id, status: 'active' } } });
      const id = response.body.id as string;
      expect(event).toMatchObject({
        action: 'grant.requested',
        actor: requesterActor(),
        target_type: 'grant',
        target_id: id,
        data: {
          status: 'active',
          justification: body.justification,
          policy_id: policyId,
          determining_rule_ids: response.body.determining_rule_ids,
          notices: expect.any(Array),
          policy_set_version: expect.any(Number),
        },
      });
      expect(response.body.determining_rule_ids).toHaveLength(1);
      const extended = await change(tenant, () => tenant.admin({ method: 'POST', url: `/v1/grants/${id}/extend`, body: { duration_seconds: 60 } }), 200);
      expect(extended.event).toMatchObject({ action: 'grant.extended', actor: adminActor(), target_id: id });
      const revoked = await change(tenant, () => tenant.admin({ method: 'POST', url: `/v1/grants/${id}/revoke`, body: { reason: 'done' } }), 200);
      expect(revoked.event).toMatchObject({ action: 'grant.revoked', actor: adminActor(), target_id: id });
      await noEvent(tenant, () => tenant.admin({ method: 'POST', url: `/v1/grants/${id}/revoke`, body: {} }), 409);
    });

    it('a denied request is its request and its denial, with the grant and access_remains', async () => {
      const { response, event, events } = await change(tenant, requestGrant(grantFor('rm-rf')), 403, ['grant.requested', 'grant.denied']);
      expect(event).toMatchObject({ action: 'grant.requested', actor: requesterActor(), target_id: response.body.details.grant_id, data: { status: 'denied' } });
      expect(events[1]).toMatchObject({ data: { grant: { status: 'denied' }, access_remains: null } });
    });

    it('cancel: one event by the requester', async () => {
      const { response } = await change(tenant, requestGrant(grantFor('sudo')), 201);
      const cancelled = await change(tenant, () => tenant.as('requester')({ method: 'POST', url: `/v1/grants/${response.body.id}/cancel` }), 200);
      expect(cancelled.event).toMatchObject({ action: 'grant.cancelled', actor: requesterActor(), target_id: response.body.id });
    });

    it('approval through the API: the decision and the activation, once each, by the approver key with the email it asserts', async () => {
      const { response } = await change(tenant, requestGrant(grantFor('sudo')), 201);
      const id = response.body.id as string;
      const before = await head(tenant);
      expect((await decide(id, 'boss@example.com')()).status).toBe(201);
      // An unbound approver key is a service key: its decisions name the key and the email it asserted (PRODUCT.md 16).
      const approverKey = { type: 'api_key', id: keyId(tenant.keys.approver), email: 'boss@example.com' };
      expect((await eventsAfter(tenant, before)).map((e) => [e.action, e.actor, e.target_id])).toEqual([
        ['approval.recorded', approverKey, id],
        ['grant.activated', approverKey, id],
      ]);
      await noEvent(tenant, decide(id, 'boss@example.com'), 409);
    });

    it('approval through a personal link: recorded as the approver, by email', async () => {
      const { response } = await change(tenant, requestGrant(grantFor('sudo')), 201);
      const id = response.body.id as string;
      // A Slack link: the worker's approver email issues (and so replaces) the email link meanwhile.
      const link = await t.app.get(ApprovalTokensService).issue(tenant.id, id, 'boss@example.com', 'slack');
      const before = await head(tenant);
      await noEvent(tenant, () => t.request({ method: 'GET', url: `/approvals/${link.token}` }), 200);
      const decided = await t.request({
        method: 'POST',
        url: `/approvals/${link.token}`,
        payload: 'decision=deny&comment=no',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(decided.status).toBe(200);
      const boss = { type: 'approver', id: 'boss@example.com', email: 'boss@example.com' };
      expect((await eventsAfter(tenant, before)).map((e) => [e.action, e.actor])).toEqual([
        ['approval.recorded', boss],
        ['grant.denied', boss],
      ]);
    });

    it('expiry and approval timeout: one event each, by the system, even with the sweep running', async () => {
      const pending = await change(tenant, requestGrant(grantFor('wait')), 201);
      const active = await change(tenant, requestGrant(grantFor('ssh', { duration_seconds: 1 })), 201, ['grant.requested', 'grant.activated']);
      // The shortest timeout a policy accepts is a minute: move this request's deadline to the past instead.
      const db = new Client({ connectionString: t.config.databaseUrl });
      await db.connect();
      await db.query(`UPDATE grants SET approval_deadline = now() - interval '1 second' WHERE id = $1`, [pending.response.body.id]);
      await db.end();
      const status = (id: string) => async () => (await tenant.as('auditor')({ method: 'GET', url: `/v1/grants/${id}` })).body.status;
      expect(await waitFor(status(active.response.body.id), (s) => s === 'expired')).toBe('expired');
      expect(await waitFor(status(pending.response.body.id), (s) => s === 'timed_out')).toBe('timed_out');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const ended = await eventsAfter(tenant, active.events[1]!.seq);
      expect(ended.map((e) => [e.action, e.actor, e.target_id]).sort()).toEqual([
        ['grant.expired', { type: 'system', id: null }, active.response.body.id],
        ['grant.timed_out', { type: 'system', id: null }, pending.response.body.id],
      ]);
    });
  });

  it('auditor keys are refused by every write route and change nothing', async () => {
    const routes = registeredRoutes(t);
    const writes = routes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.access?.kind === 'roles');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /v1/api-keys', 'DELETE /v1/api-keys/:id']));
    const before = await head(tenant);
    for (const route of writes) {
      const name = `${route.method} ${route.path}`;
      const url = route.path.replace(/:[A-Za-z_]+/g, () => randomUUID());
      const response = await tenant.as('auditor')({ method: route.method as RequestOptions['method'], url, body: {} });
      if (READ_ONLY_POSTS.has(name)) continue;
      // The Cloudflare routes answer in Cloudflare's envelope: `forbidden` is error code 10001 there.
      const code = route.path.startsWith('/client/v4/') ? (response.body?.errors?.[0]?.code === 10001 ? 'forbidden' : response.body?.errors) : response.body?.code;
      expect({ name, status: response.status, code }).toEqual({ name, status: 403, code: 'forbidden' });
      expect(route.access?.kind === 'roles' && route.access.roles).not.toContain('auditor');
    }
    expect(await head(tenant)).toBe(before);
  });

  it('auditor keys read grants, policies and the audit trail', async () => {
    for (const url of ['/v1/grants', '/v1/policies', '/v1/audit/events', '/v1/audit/events/export', '/v1/audit/verify']) {
      expect((await tenant.as('auditor')({ method: 'GET', url })).status).toBe(200);
    }
  });
});
