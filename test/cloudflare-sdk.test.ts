import Cloudflare from 'cloudflare';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { cloudflareBaseUrl, cloudflareClient } from './support/cloudflare';

describe('Cloudflare Access API through the official SDK', () => {
  const t = useTestApp({ PROCESS_ROLE: 'api' });
  let tenant: TestTenant;
  let other: TestTenant;
  let cf: Cloudflare;

  beforeAll(async () => {
    tenant = await createTenant(t, 'cf');
    other = await createTenant(t, 'other');
    cf = await cloudflareClient(t, tenant);
  });

  const account = () => ({ account_id: tenant.id });
  const apps = () => cf.zeroTrust.access.applications;
  const newApp = async (name: string, extra: Record<string, unknown> = {}) =>
    (await apps().create({ ...account(), name, domain: `${name}.example.com`, type: 'self_hosted', session_duration: '8h', ...extra } as Cloudflare.ZeroTrust.Access.ApplicationCreateParams)) as { id: string; policies: { id: string; precedence: number }[] };

  it('creates, gets, lists with auto-paging, updates and deletes groups', async () => {
    const created = await cf.zeroTrust.access.groups.create({ ...account(), name: 'engineers', include: [{ email_domain: { domain: 'example.com' } }] });
    expect(created).toMatchObject({ name: 'engineers', include: [{ email_domain: { domain: 'example.com' } }], exclude: [], require: [], is_default: false });
    const got = await cf.zeroTrust.access.groups.get(created.id as string, account());
    expect(got.id).toBe(created.id);
    for (let i = 0; i < 6; i += 1) await cf.zeroTrust.access.groups.create({ ...account(), name: `g${i}`, include: [{ everyone: {} }] });
    const names: string[] = [];
    for await (const group of cf.zeroTrust.access.groups.list({ ...account(), per_page: 3 })) names.push(group.name as string);
    expect(names).toEqual(['engineers', 'g0', 'g1', 'g2', 'g3', 'g4', 'g5']);
    const updated = await cf.zeroTrust.access.groups.update(created.id as string, { ...account(), name: 'engineers2', include: [{ email: { email: 'Alice@Example.com' } }] });
    expect(updated).toMatchObject({ name: 'engineers2', include: [{ email: { email: 'alice@example.com' } }] });
    const deleted = await cf.zeroTrust.access.groups.delete(created.id as string, account());
    expect(deleted).toEqual({ id: created.id });
    await expect(cf.zeroTrust.access.groups.get(created.id as string, account())).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
  });

  it('manages applications with auto-paging, and their app-scoped policies on the account and zone routes', async () => {
    const app = await newApp('wiki', { isolation_required: false, app_launcher_visible: true });
    expect(app).toMatchObject({ name: 'wiki', domain: 'wiki.example.com', type: 'self_hosted', session_duration: '8h', app_launcher_visible: true, policies: [] });
    for (let i = 0; i < 4; i += 1) await newApp(`app${i}`);
    const listed: string[] = [];
    for await (const a of apps().list({ ...account(), per_page: 2 } as Cloudflare.ZeroTrust.Access.ApplicationListParams)) listed.push((a as { name: string }).name);
    expect(listed).toEqual(['wiki', 'app0', 'app1', 'app2', 'app3']);

    const policies = apps().policies;
    const first = await policies.create(app.id, { ...account(), name: 'staff', decision: 'allow', include: [{ email_domain: { domain: 'example.com' } }], precedence: 1, session_duration: '2h45m' } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    expect(first).toMatchObject({ name: 'staff', decision: 'allow', precedence: 1, session_duration: '2h45m', reusable: false });
    expect((first as { cedar_policy_set: string }).cedar_policy_set).toContain(`resource == App::"${app.id}"`);
    const zoneClient = { zone_id: tenant.id };
    const second = await policies.create(app.id, { ...zoneClient, name: 'contractors', decision: 'deny', include: [{ email_domain: { domain: 'contractor.example.com' } }], precedence: 2 } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    expect(second).toMatchObject({ decision: 'deny', precedence: 2 });
    const ids: string[] = [];
    for await (const p of policies.list(app.id, { ...zoneClient, per_page: 1 } as Cloudflare.ZeroTrust.Access.Applications.PolicyListParams)) ids.push(p.id as string);
    expect(ids).toEqual([first.id, second.id]);
    const fetched = await policies.get(second.id as string, { ...account(), app_id: app.id });
    expect(fetched).toMatchObject({ id: second.id, name: 'contractors' });
    const updated = await policies.update(first.id as string, { ...account(), app_id: app.id, name: 'staff only', decision: 'allow', include: [{ email: { email: 'bob@example.com' } }], precedence: 3 } as Cloudflare.ZeroTrust.Access.Applications.PolicyUpdateParams);
    expect(updated).toMatchObject({ name: 'staff only', precedence: 3, include: [{ email: { email: 'bob@example.com' } }], session_duration: '8h' });
    expect(await policies.delete(second.id as string, { ...zoneClient, app_id: app.id })).toEqual({ id: second.id });
    const got = await apps().get(app.id, account());
    expect((got as { policies: { id: string; precedence: number }[] }).policies.map((p) => [p.id, p.precedence])).toEqual([[first.id, 3]]);
    expect(await apps().delete(app.id, account())).toEqual({ id: app.id });
    await expect(apps().get(app.id, account())).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
  });

  it('manages reusable policies, applies them through an app, and makes an app-scoped policy reusable', async () => {
    const reusable = cf.zeroTrust.access.policies;
    const created = await reusable.create({ ...account(), name: 'mfa staff', decision: 'allow', include: [{ email_domain: { domain: 'example.com' } }], require: [{ auth_method: { auth_method: 'mfa' } }] });
    expect(created).toMatchObject({ reusable: true, app_count: 0, require: [{ auth_method: { auth_method: 'mfa' } }] });
    for (let i = 0; i < 4; i += 1) await reusable.create({ ...account(), name: `r${i}`, decision: 'bypass', include: [{ everyone: {} }] });
    const names: string[] = [];
    for await (const p of reusable.list({ ...account(), per_page: 2 })) names.push(p.name as string);
    expect(names).toEqual(['mfa staff', 'r0', 'r1', 'r2', 'r3']);
    const app = await newApp('grafana', { policies: [{ id: created.id, precedence: 5 }] });
    expect(app.policies).toMatchObject([{ id: created.id, precedence: 5 }]);
    expect(await reusable.get(created.id as string, account())).toMatchObject({ app_count: 1 });
    const updated = await reusable.update(created.id as string, { ...account(), name: 'mfa staff 2', decision: 'allow', include: [{ everyone: {} }] });
    expect(updated).toMatchObject({ name: 'mfa staff 2', require: [] });
    await expect(reusable.delete(created.id as string, account())).rejects.toBeInstanceOf(Cloudflare.ConflictError);

    const scopedApp = await newApp('jira');
    const scoped = await apps().policies.create(scopedApp.id, { ...account(), name: 'jira users', decision: 'allow', include: [{ everyone: {} }] } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    const made = await cf.put(`/accounts/${tenant.id}/access/apps/${scopedApp.id}/policies/${scoped.id}/make_reusable`, { headers: { 'content-type': 'application/json' } });
    expect(made).toMatchObject({ result: { id: scoped.id, reusable: true, precedence: 1 } });
    expect(await reusable.get(scoped.id as string, account())).toMatchObject({ reusable: true, app_count: 1 });

    await apps().update(app.id, { ...account(), name: 'grafana', domain: 'grafana.example.com', type: 'self_hosted', policies: [] } as Cloudflare.ZeroTrust.Access.ApplicationUpdateParams);
    expect(await reusable.delete(created.id as string, account())).toEqual({ id: created.id });
  });

  it('serves groups and applications on the zone routes too (the SDK\'s zone_id), for the same tenant', async () => {
    const zone = { zone_id: tenant.id };
    const group = await cf.zeroTrust.access.groups.create({ ...zone, name: 'zone group', include: [{ everyone: {} }] });
    expect(await cf.zeroTrust.access.groups.get(group.id as string, account())).toMatchObject({ name: 'zone group' });
    const names: string[] = [];
    for await (const g of cf.zeroTrust.access.groups.list({ ...zone, per_page: 50 })) names.push(g.name as string);
    expect(names).toContain('zone group');
    const app = (await apps().create({ ...zone, name: 'zone app', domain: 'zone.example.com', type: 'self_hosted' } as Cloudflare.ZeroTrust.Access.ApplicationCreateParams)) as { id: string };
    expect(await apps().get(app.id, account())).toMatchObject({ name: 'zone app' });
    await expect(cf.zeroTrust.access.groups.list({ zone_id: other.id }).then((page) => page.result)).rejects.toBeInstanceOf(Cloudflare.PermissionDeniedError);
    expect(await apps().delete(app.id, zone)).toEqual({ id: app.id });
    expect(await cf.zeroTrust.access.groups.delete(group.id as string, zone)).toEqual({ id: group.id });
  });

  it('manages IP lists and their items through client.rules.lists, and ip_list selectors follow their items', async () => {
    const lists = cf.rules.lists;
    const list = await lists.create({ ...account(), kind: 'ip', name: 'office_ranges', description: 'offices' });
    expect(list).toMatchObject({ name: 'office_ranges', kind: 'ip', description: 'offices', num_items: 0, num_referencing_filters: 0 });
    const written = await lists.items.create(list.id, { ...account(), body: [{ ip: '10.1.0.0/16', comment: 'berlin' }, { ip: '::ffff:192.0.2.7' }, { ip: '2001:DB8::/32' }, { ip: '10.1.0.0/16', comment: 'berlin (again)' }] });
    expect(await lists.bulkOperations.get(written.operation_id, account())).toMatchObject({ id: written.operation_id, status: 'completed' });
    await lists.items.create(list.id, { ...account(), body: [{ ip: '192.0.2.7/32' }, { ip: '203.0.113.0/24' }] });
    const seen: { id: string; ip: string; comment?: string }[] = [];
    for await (const item of lists.items.list(list.id, { ...account(), per_page: 2 })) seen.push(item as { id: string; ip: string; comment?: string });
    expect(seen.map((i) => [i.ip, i.comment])).toEqual([['10.1.0.0/16', 'berlin (again)'], ['192.0.2.7', undefined], ['2001:db8::/32', undefined], ['203.0.113.0/24', undefined]]);
    expect(await lists.items.get(seen[0].id, { ...account(), list_id: list.id })).toMatchObject({ ip: '10.1.0.0/16' });
    const found = async (search: string) => (await lists.items.list(list.id, { ...account(), search })).result.map((i) => (i as { ip: string }).ip);
    expect(await found('BERLIN')).toEqual(['10.1.0.0/16']);
    expect(await found('%')).toEqual([]);
    expect(await found('2001:db8')).toEqual(['2001:db8::/32']);
    expect((await lists.get(list.id, account())).num_items).toBe(4);
    const bad = await lists.items.create(list.id, { ...account(), body: [{ ip: '10.0.0.0/8' }, { ip: '1.2.3.4/33' }, { ip: '10.1.2.3/8' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Cloudflare.BadRequestError);
    expect((bad as InstanceType<typeof Cloudflare.BadRequestError>).errors.map((e) => e.source?.pointer)).toEqual(['/1/ip', '/2/ip']);
    await expect(lists.create({ ...account(), kind: 'hostname', name: 'hosts' })).rejects.toBeInstanceOf(Cloudflare.BadRequestError);
    await expect(lists.create({ ...account(), kind: 'ip', name: 'office_ranges' })).rejects.toBeInstanceOf(Cloudflare.ConflictError);

    const app = await newApp('vpn-only');
    const unknown = await apps().policies.create(app.id, { ...account(), name: 'x', decision: 'allow', include: [{ ip_list: { id: '7a9c5f0e-0000-4000-8000-000000000000' } }] } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams).catch((e: unknown) => e);
    expect((unknown as InstanceType<typeof Cloudflare.BadRequestError>).errors).toEqual([expect.objectContaining({ source: { pointer: '/include/0/ip_list/id' } })]);
    const policy = await apps().policies.create(app.id, { ...account(), name: 'from the office', decision: 'allow', include: [{ ip_list: { id: list.id } }] } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    expect((policy as { cedar_conditions: string }).cedar_conditions).toContain('ip(context.ip).isInRange(ip("203.0.113.0/24"))');
    const decide = async (context: Record<string, unknown>) =>
      (await tenant.admin({ method: 'POST', url: '/v1/policies/simulate', body: { principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'access' }, resource: { type: 'App', id: app.id }, context } })).body.decision;
    expect(await decide({ ip: '10.1.200.3' })).toBe('allow');
    expect(await decide({ ip: '::ffff:192.0.2.7' })).toBe('allow');
    expect(await decide({ ip: '2001:db8:1::5' })).toBe('allow');
    expect(await decide({ ip: '10.2.0.1' })).toBe('deny');
    expect(await decide({})).toBe('deny');
    expect((await lists.get(list.id, account())).num_referencing_filters).toBe(1);

    // Items replaced or deleted recompile the policy in the same transaction.
    await lists.items.update(list.id, { ...account(), body: [{ ip: '10.2.0.0/16' }, { ip: '10.1.0.0/16' }] });
    expect(await decide({ ip: '10.2.0.1' })).toBe('allow');
    expect(await decide({ ip: '203.0.113.9' })).toBe('deny');
    const current: string[] = [];
    for await (const item of lists.items.list(list.id, account())) current.push((item as { id: string }).id);
    await lists.items.delete(list.id, { ...account(), items: [{ id: current[0] }] });
    expect(await decide({ ip: '10.1.0.1' })).toBe('deny');
    expect(await decide({ ip: '10.2.0.1' })).toBe('allow');
    await lists.items.delete(list.id, { ...account(), items: [{ id: current[1] }] });
    expect(await decide({ ip: '10.2.0.1' })).toBe('deny');
    await expect(lists.items.delete(list.id, { ...account(), items: [{ id: current[1] }] })).rejects.toBeInstanceOf(Cloudflare.BadRequestError);

    await expect(lists.delete(list.id, account())).rejects.toBeInstanceOf(Cloudflare.ConflictError);
    expect(await lists.update(list.id, { ...account(), description: 'all offices' })).toMatchObject({ description: 'all offices', name: 'office_ranges' });
    const names: string[] = [];
    for await (const l of lists.list(account())) names.push(l.name);
    expect(names).toEqual(['office_ranges']);
    await apps().policies.delete(policy.id as string, { ...account(), app_id: app.id });
    expect(await lists.delete(list.id, account())).toEqual({ id: list.id });
    await expect(lists.get(list.id, account())).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
    const events = (await tenant.as('auditor')({ method: 'GET', url: `/v1/audit/events?target_id=${list.id}` })).body.data as { action: string; data: Record<string, unknown> }[];
    expect(events.map((e) => e.action)).toEqual(['ip_list.deleted', 'ip_list.updated', 'ip_list.items_deleted', 'ip_list.items_deleted', 'ip_list.items_replaced', 'ip_list.items_added', 'ip_list.items_added', 'ip_list.created']);
    expect(events[4].data).toMatchObject({ items: ['10.2.0.0/16', '10.1.0.0/16'], recompiled_access_policy_ids: [policy.id] });
  });

  it('raises the typed errors: BadRequestError, NotFoundError, ConflictError after one request, PermissionDeniedError', async () => {
    let requests = 0;
    const counting = new Cloudflare({
      baseURL: await cloudflareBaseUrl(t),
      apiToken: tenant.keys.admin,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    const bad = await counting.zeroTrust.access.groups.create({ ...account(), name: 'x', include: [{ ip: { ip: '10.0.0.300/8' } }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Cloudflare.BadRequestError);
    expect((bad as InstanceType<typeof Cloudflare.BadRequestError>).errors).toEqual([expect.objectContaining({ code: 1001, source: { pointer: '/include/0/ip/ip' } })]);
    await expect(counting.zeroTrust.access.policies.get('7a9c5f0e-0000-4000-8000-000000000000', account())).rejects.toBeInstanceOf(Cloudflare.NotFoundError);

    const app = await newApp('conflicts');
    await cf.zeroTrust.access.applications.policies.create(app.id, { ...account(), name: 'a', decision: 'allow', include: [{ everyone: {} }], precedence: 1 } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams);
    requests = 0;
    const conflict = await counting.zeroTrust.access.applications.policies
      .create(app.id, { ...account(), name: 'b', decision: 'allow', include: [{ everyone: {} }], precedence: 1 } as Cloudflare.ZeroTrust.Access.Applications.PolicyCreateParams)
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(Cloudflare.ConflictError);
    expect(requests).toBe(1);
    expect((conflict as InstanceType<typeof Cloudflare.ConflictError>).headers.get('x-should-retry')).toBe('false');

    await expect(counting.zeroTrust.access.groups.list({ account_id: other.id }).then((page) => page.result)).rejects.toBeInstanceOf(Cloudflare.PermissionDeniedError);
    const auditor = await cloudflareClient(t, tenant, 'auditor');
    await expect(auditor.zeroTrust.access.groups.create({ ...account(), name: 'nope', include: [{ everyone: {} }] })).rejects.toBeInstanceOf(Cloudflare.PermissionDeniedError);
    expect((await auditor.zeroTrust.access.groups.list(account())).result.length).toBeGreaterThan(0);
    const stranger = new Cloudflare({ baseURL: await cloudflareBaseUrl(t), apiToken: 'not-a-key', maxRetries: 0 });
    await expect(stranger.zeroTrust.access.groups.list(account()).then((page) => page.result)).rejects.toBeInstanceOf(Cloudflare.AuthenticationError);
  });
});
