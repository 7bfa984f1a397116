import Cloudflare from 'cloudflare';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { cloudflareClient } from './support/cloudflare';

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
});
