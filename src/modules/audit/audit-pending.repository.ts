import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { ActorType, AuditEventInput, StagedEvent } from './audit-chain';

/** audit_pending: events committed with their change, waiting for the chainer (audit-chainer.ts). */
@Injectable()
export class AuditPendingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stages events inside the caller's transaction, in one statement and in the given order: no head lock, so
   * concurrent changes do not queue here.
   */
  async stage(tx: Tx, tenantId: string, inputs: AuditEventInput[]): Promise<StagedEvent[]> {
    const occurredAt = new Date();
    const events: StagedEvent[] = inputs.map((input) => ({ ...input, id: randomUUID(), occurredAt }));
    await tx.auditPending.createMany({
      data: events.map((event) => ({
        id: event.id,
        tenantId,
        occurredAt,
        actorType: event.actor.type,
        actorId: event.actor.id,
        actorEmail: event.actor.email ?? null,
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId,
        data: JSON.parse(JSON.stringify(event.data)) as object,
      })),
    });
    return events;
  }

  /** The tenant's oldest committed staged events, in the order they were staged. */
  async take(tx: Tx, tenantId: string, limit: number): Promise<StagedEvent[]> {
    const rows = await tx.auditPending.findMany({ where: { tenantId }, orderBy: { appendOrder: 'asc' }, take: limit });
    return rows.map((row) => ({
      id: row.id,
      occurredAt: row.occurredAt,
      actor: { type: row.actorType as ActorType, id: row.actorId, email: row.actorEmail },
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      data: row.data as Record<string, unknown>,
    }));
  }

  async remove(tx: Tx, tenantId: string, ids: string[]): Promise<void> {
    await tx.auditPending.deleteMany({ where: { tenantId, id: { in: ids } } });
  }

  async hasPending(tenantId: string): Promise<boolean> {
    return (await this.prisma.auditPending.findFirst({ where: { tenantId }, select: { id: true } })) !== null;
  }

  /** Tenants with staged events (left by a process that stopped before chaining them, or not chained yet). */
  async tenantsWithPending(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ tenant_id: string }[]>`SELECT DISTINCT tenant_id::text FROM audit_pending LIMIT ${limit}`;
    return rows.map((row) => row.tenant_id);
  }
}
