import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { PrismaClient } from '../src/generated/prisma/client';
import type { PrismaService } from '../src/infra/prisma/prisma.service';
import { AuditPendingRepository } from '../src/modules/audit/audit-pending.repository';
import { AuditRepository } from '../src/modules/audit/audit.repository';
import { startTestApp, TestApp } from './support/app';
import { createTenant, TestTenant } from './support/factories';

const WRITERS = 10;
const EACH = 25;

describe('audit chain under concurrent appends', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let clients: PrismaClient[];

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
    // Generous transaction limits: 11 writers queue on one tenant's head, and a loaded CI machine is slow.
    clients = Array.from({ length: WRITERS }, () => new PrismaClient({ adapter: new PrismaPg({ connectionString: t.config.databaseUrl, max: 2 }), transactionOptions: { maxWait: 30_000, timeout: 30_000 } }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await t.close();
  });

  it('keeps a valid, gap-free chain when 10 connections and the API append at once', async () => {
    const before = (await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body.events_checked as number;
    const writers = clients.map(async (client, writer) => {
      // Each client is its own connection pool, as another process would be; only `append` is used.
      const prisma = client as unknown as PrismaService;
      const audit = new AuditRepository(prisma, new AuditPendingRepository(prisma));
      for (let i = 0; i < EACH; i += 1) {
        await client.$transaction((tx) =>
          audit.append(tx, tenant.id, {
            actor: { type: 'system', id: `writer-${writer}` },
            action: 'test.appended',
            targetType: 'writer',
            targetId: String(writer),
            data: { i },
          }),
        );
      }
    });
    const viaApi = Array.from({ length: 10 }, (_, i) =>
      tenant.admin({ method: 'POST', url: '/v1/api-keys', body: { name: `concurrent-${i}`, role: 'requester' } }),
    );
    const responses = await Promise.all([...viaApi, ...writers]);
    expect(responses.slice(0, 10).every((r) => r && r.status === 201)).toBe(true);

    const total = before + WRITERS * EACH + 10;
    expect((await tenant.as('auditor')({ method: 'GET', url: '/v1/audit/verify' })).body).toEqual({ valid: true, events_checked: total });

    const db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT seq::int AS seq FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
      expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const head = await db.query('SELECT seq::int AS seq FROM audit_heads WHERE tenant_id = $1', [tenant.id]);
      expect(head.rows[0].seq).toBe(total);
      const perWriter = await db.query(
        `SELECT target_id, count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'test.appended' GROUP BY target_id`,
        [tenant.id],
      );
      expect(perWriter.rows).toHaveLength(WRITERS);
      expect(perWriter.rows.every((row) => row.n === EACH)).toBe(true);
    } finally {
      await db.end();
    }
  });
});
