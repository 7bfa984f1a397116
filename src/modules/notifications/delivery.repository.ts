import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

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
      ON CONFLICT (id) DO NOTHING`;
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

  async markFailed(tx: Tx, tenantId: string, id: string, error: string): Promise<void> {
    await tx.delivery.updateMany({
      where: { tenantId, id },
      data: { status: 'failed', attempts: { increment: 1 }, lastError: error.slice(0, MAX_ERROR_LENGTH) },
    });
  }

  async find(tenantId: string, id: string): Promise<DeliveryRecord | null> {
    const row = await this.prisma.delivery.findFirst({ where: { tenantId, id } });
    return row ? toRecord(row) : null;
  }
}
