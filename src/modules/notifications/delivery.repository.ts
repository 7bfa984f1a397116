import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** A notification about to be enqueued: its delivery row is written first, so losing Redis cannot lose it. */
export interface PlannedDelivery {
  id: string;
  tenantId: string;
  kind: string;
  job: Prisma.InputJsonValue;
  runAt: Date;
}

export type DeliveryRow = Prisma.DeliveryGetPayload<object>;

/** A delivery whose job should have run by now and is still owed. */
export interface OwedDelivery {
  id: string;
  tenantId: string;
  job: Prisma.JsonValue;
  runAt: Date | null;
}

export interface DeliveryRecord {
  id: string;
  tenantId: string;
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

const MAX_ERROR_LENGTH = 1000;

const toRecord = (row: Omit<DeliveryRecord, 'status'> & { status: string }): DeliveryRecord => ({
  ...row,
  status: row.status as DeliveryStatus,
});

@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the delivery row if it is new, then locks it until `tx` ends. Null when the id exists for another
   * tenant (ids are derived from tenant-owned ids, so that is a bug, never a normal case).
   */
  async lock(tx: Tx, tenantId: string, id: string, kind: string): Promise<DeliveryRecord | null> {
    await tx.$executeRaw`INSERT INTO deliveries (id, tenant_id, kind) VALUES (${id}, ${tenantId}::uuid, ${kind})
      ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind WHERE deliveries.tenant_id = EXCLUDED.tenant_id AND deliveries.kind <> EXCLUDED.kind`;
    await tx.$queryRaw`SELECT id FROM deliveries WHERE id = ${id} AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    const row = await tx.delivery.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }

  async markSent(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.delivery.updateMany({
      where: { tenantId, id },
      data: { status: 'sent', attempts: { increment: 1 }, sentAt: new Date() },
    });
  }

  /** Nothing to send any more (found out during the attempt): like `settle`, inside the delivery's transaction. */
  async markSkipped(tx: Tx, tenantId: string, id: string): Promise<void> {
    await tx.delivery.updateMany({ where: { tenantId, id }, data: { status: 'skipped' } });
  }

  async markFailed(tx: Tx, tenantId: string, id: string, error: string): Promise<void> {
    await tx.delivery.updateMany({
      where: { tenantId, id },
      data: { status: 'failed', attempts: { increment: 1 }, lastError: error.slice(0, MAX_ERROR_LENGTH) },
    });
  }

  /** Writes planned deliveries (status pending, with their job); rows that exist already are left as they are. */
  async plan(rows: PlannedDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    // One array per column (an expiry pass plans hundreds at once; Prisma's createMany cost a fraction of a ms a row).
    await this.prisma.raw.$executeRaw`
      INSERT INTO deliveries (id, tenant_id, kind, job, run_at)
      SELECT id, tenant_id, kind, job, run_at
      FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.kind)}::text[],
        ${rows.map((r) => JSON.stringify(r.job))}::jsonb[], ${rows.map((r) => r.runAt.toISOString())}::timestamptz[])
        AS r(id, tenant_id, kind, job, run_at)
      ON CONFLICT DO NOTHING`;
  }

  /** After its job ran to the end without sending: nothing is owed any more (a sent delivery stays sent). */
  async settle(tenantId: string, id: string): Promise<void> {
    await this.prisma.delivery.updateMany({ where: { tenantId, id, status: { in: ['pending', 'failed'] } }, data: { status: 'skipped' } });
  }

  /** Across tenants, for the reconciler: owed deliveries that were due before `before`, oldest first. */
  async findOwed(before: Date, limit: number): Promise<OwedDelivery[]> {
    return this.prisma.delivery.findMany({
      where: { status: { in: ['pending', 'failed'] }, runAt: { lt: before }, job: { not: Prisma.AnyNull } },
      select: { id: true, tenantId: true, job: true, runAt: true },
      orderBy: { runAt: 'asc' },
      take: limit,
    });
  }

  /** One tenant's deliveries, newest first, optionally of one status; `limit + 1` rows for toPage. */
  async list(tenantId: string, status: DeliveryStatus | undefined, limit: number, cursor?: { createdAt: Date; id: string }): Promise<DeliveryRow[]> {
    return this.prisma.delivery.findMany({
      where: {
        tenantId,
        ...(status ? { status } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, uid: { lt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { uid: 'desc' }],
      take: limit + 1,
    });
  }

  async findByUid(tenantId: string, uid: string): Promise<DeliveryRow | null> {
    return this.prisma.delivery.findFirst({ where: { tenantId, uid } });
  }

  async find(tenantId: string, id: string): Promise<DeliveryRecord | null> {
    const row = await this.prisma.delivery.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }
}
