import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Access, ACCESS_KEY } from '../src/common/auth/roles';
import { OPERATOR_KEY, RequestOptions, startTestApp, TestApp, TestResponse } from './support/app';
import { createTenant, TestTenant } from './support/factories';

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
const READ_ONLY_POSTS = new Set(['POST /v1/policies/simulate', 'POST /v1/access/check']);

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
  let t: TestApp;
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
  /** Runs one change and returns its response and the single event it appended (failing on none or several). */
  const change = async (who: TestTenant, request: () => Promise<TestResponse>, status: number) => {
    const before = await head(who);
    const response = await request();
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    const events = await eventsAfter(who, before);
    expect(events.map((e) => e.action)).toHaveLength(1);
    return { response, event: events[0]! };
  };
  const noEvent = async (who: TestTenant, request: () => Promise<TestResponse>, status: number) => {
    const before = await head(who);
    expect((await request()).status).toBe(status);
    expect(await eventsAfter(who, before)).toEqual([]);
  };
  const admin = (options: RequestOptions) => () => tenant.admin(options);

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
  });
  afterAll(() => t.close());

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
    expect(JSON.stringify(event)).not.toContain(response.body.key.split('_')[2]);
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

  it('auditor keys are refused by every write route and change nothing', async () => {
    const routes = registeredRoutes(t);
    const writes = routes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.access?.kind === 'roles');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /v1/api-keys', 'DELETE /v1/api-keys/:id']));
    const before = await head(tenant);
    for (const route of writes) {
      const name = `${route.method} ${route.path}`;
      const url = route.path.replace(/:[A-Za-z]+/g, () => randomUUID());
      const response = await tenant.as('auditor')({ method: route.method as RequestOptions['method'], url, body: {} });
      if (READ_ONLY_POSTS.has(name)) continue;
      expect({ name, status: response.status, code: response.body?.code }).toEqual({ name, status: 403, code: 'forbidden' });
      expect(route.access?.kind === 'roles' && route.access.roles).not.toContain('auditor');
    }
    expect(await head(tenant)).toBe(before);
  });

  it('auditor keys read the audit trail', async () => {
    for (const url of ['/v1/audit/events', '/v1/audit/events/export', '/v1/audit/verify']) {
      expect((await tenant.as('auditor')({ method: 'GET', url })).status).toBe(200);
    }
  });
});
