import { Prisma } from '../src/generated/prisma/client';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { GRANT_DETAILS_JSON, GRANT_ROW } from '../src/modules/grants/grant.mapper';
import { useTestApp } from './support/use-test-app';
import { createTenant, TestTenant } from './support/factories';
import { action, host, permitPolicy, user } from './support/grants';

/** Raw statements on the pool (raw-sql.ts) return what Prisma's raw queries return, and their transactions hold. */
describe('raw SQL on the pool under Prisma', () => {
  const t = useTestApp();
  let tenant: TestTenant;
  let prisma: PrismaService;
  let grantId: string;

  beforeAll(async () => {
    tenant = await createTenant(t);
    await permitPolicy(tenant, 'alice', 'ssh');
    prisma = t.app.get(PrismaService);
    const grant = await tenant.admin({ method: 'POST', url: '/v1/grants', body: { principal: user('alice'), action: action('ssh'), resource: host('db1'), justification: 'ticket 1' } });
    expect(grant.status).toBe(201);
    grantId = grant.body.id as string;
  });

  it('reads every type of a grant row, its details and the other types our statements use as Prisma does', async () => {
    const since = new Date(Date.now() - 60_000);
    const query = Prisma.sql`
      SELECT ${GRANT_ROW}, ${GRANT_DETAILS_JSON}, 9007199254740993::bigint AS big, NULL::bigint AS nothing,
        '2026-11-30 07:00:00.123'::timestamp AS local_time, ${since}::timestamptz AS since, ARRAY['a', 'b"c']::text[] AS texts,
        ${[1n, 2n]}::bigint[] AS keys, ${{ a: [1, 'x'] }}::jsonb AS doc, count(*) OVER ()::int AS n
      FROM grants WHERE tenant_id = ${tenant.id}::uuid AND id = ${grantId}::uuid`;
    const viaPrisma = await prisma.$queryRaw<Record<string, unknown>[]>(query);
    const viaPool = await prisma.raw.$queryRaw<Record<string, unknown>[]>(query);
    expect(viaPool).toHaveLength(1);
    expect(viaPool).toEqual(viaPrisma);
    expect(viaPool[0].big).toBe(9007199254740993n);
    expect(viaPool[0].local_time).toEqual(new Date('2026-11-30T07:00:00.123Z'));
    expect(viaPool[0].since).toEqual(since);
    expect(viaPool[0].expiresAt).toBeInstanceOf(Date);
  });

  it('takes tagged templates and counts affected rows like $executeRaw', async () => {
    const ids = [grantId, '00000000-0000-4000-8000-000000000000'];
    const viaPool = await prisma.raw.$executeRaw`UPDATE grants SET justification = justification WHERE tenant_id = ${tenant.id}::uuid AND id = ANY(${ids}::uuid[])`;
    const viaPrisma = await prisma.$executeRaw`UPDATE grants SET justification = justification WHERE tenant_id = ${tenant.id}::uuid AND id = ANY(${ids}::uuid[])`;
    expect(viaPool).toBe(1);
    expect(viaPool).toBe(viaPrisma);
  });

  it('gives a REPEATABLE READ transaction one snapshot, and a default one a snapshot per statement', async () => {
    const read = (tx: { $queryRaw: PrismaService['raw']['$queryRaw'] }) =>
      tx.$queryRaw<{ justification: string }[]>`SELECT justification FROM grants WHERE id = ${grantId}::uuid`.then(([row]) => row.justification);
    const setTo = (text: string) => prisma.raw.$executeRaw`UPDATE grants SET justification = ${text} WHERE id = ${grantId}::uuid`;
    await setTo('before');
    const repeatable = await prisma.rawTransaction(async (tx) => {
      const first = await read(tx);
      await setTo('during repeatable');
      return [first, await read(tx)];
    }, 'REPEATABLE READ');
    expect(repeatable).toEqual(['before', 'before']);
    const committed = await prisma.rawTransaction(async (tx) => {
      const first = await read(tx);
      await setTo('during read committed');
      return [first, await read(tx)];
    });
    expect(committed).toEqual(['during repeatable', 'during read committed']);
  });

  it('commits a transaction whose work resolves and rolls back one whose work or statement throws', async () => {
    const note = (text: string) => prisma.raw.$queryRaw<{ justification: string }[]>`SELECT justification FROM grants WHERE id = ${grantId}::uuid`.then(([row]) => row.justification === text);
    const write = (tx: { $executeRaw: PrismaService['raw']['$executeRaw'] }, text: string) => tx.$executeRaw`UPDATE grants SET justification = ${text} WHERE id = ${grantId}::uuid`;

    await expect(prisma.rawTransaction(async (tx) => write(tx, 'committed'))).resolves.toBe(1);
    expect(await note('committed')).toBe(true);

    const failure = new Error('work failed');
    await expect(prisma.rawTransaction(async (tx) => { await write(tx, 'rolled back'); throw failure; })).rejects.toBe(failure);
    expect(await note('committed')).toBe(true);

    await expect(prisma.rawTransaction(async (tx) => { await write(tx, 'rolled back'); await tx.$queryRaw`SELECT 1 / 0`; })).rejects.toMatchObject({ code: '22012' });
    expect(await note('committed')).toBe(true);

    // Every connection went back to the pool usable: as many transactions as the pool holds, at once.
    const results = await Promise.all(Array.from({ length: 12 }, () => prisma.rawTransaction((tx) => tx.$queryRaw<{ ok: number }[]>`SELECT 1::int AS ok`)));
    expect(results.flat()).toEqual(Array.from({ length: 12 }, () => ({ ok: 1 })));
  });

  it('fails only the transaction whose connection dies (PostgreSQL restarted, session ended), not the process', async () => {
    // A connection that ends while checked out emits 'error' on its pg client; without a listener that is an
    // uncaught exception, which ends the process (a worker in an expiry pass, an API process chaining).
    const ended = prisma.rawTransaction((tx) => tx.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
    await expect(ended).rejects.toThrow();
    await new Promise((done) => setTimeout(done, 200));
    await expect(prisma.raw.$queryRaw`SELECT 1::int AS ok`).resolves.toEqual([{ ok: 1 }]);
    await expect(prisma.rawTransaction((tx) => tx.$queryRaw`SELECT 2::int AS ok`)).resolves.toEqual([{ ok: 2 }]);
  });
});
