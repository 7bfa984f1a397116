import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { ActorType, AuditEventInput, StagedEvent } from './audit-chain';

interface PendingRow {
  id: string;
  append_order: bigint;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string;
  data: unknown;
}

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
    const column = <T>(pick: (event: StagedEvent) => T) => events.map(pick);
    // One array per column, in staging order (append_order follows the row order of the insert).
    await tx.$executeRaw`
      INSERT INTO audit_pending (id, tenant_id, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data)
      SELECT id, ${tenantId}::uuid, ${occurredAt}, actor_type, actor_id, actor_email, action, target_type, target_id, data
      FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.actor.type)}::text[], ${column((e) => e.actor.id)}::text[],
        ${column((e) => e.actor.email ?? null)}::text[], ${column((e) => e.action)}::text[], ${column((e) => e.targetType)}::text[],
        ${column((e) => e.targetId)}::text[], ${column((e) => JSON.stringify(e.data))}::jsonb[]) WITH ORDINALITY
        AS e(id, actor_type, actor_id, actor_email, action, target_type, target_id, data, n)
      ORDER BY n`;
    return events;
  }

  /**
   * Removes and returns the tenant's oldest committed staged events, in the order they were staged (one statement;
   * the caller holds the head lock, so no other pass takes the same rows, and its transaction puts them back if it
   * fails).
   */
  async take(tx: Tx, tenantId: string, limit: number): Promise<StagedEvent[]> {
    const rows = await tx.$queryRaw<PendingRow[]>`
      DELETE FROM audit_pending WHERE id IN (
        SELECT id FROM audit_pending WHERE tenant_id = ${tenantId}::uuid ORDER BY append_order LIMIT ${limit})
      RETURNING id, append_order, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data`;
    return rows
      .sort((a, b) => (a.append_order < b.append_order ? -1 : 1))
      .map((row) => ({
        id: row.id,
        occurredAt: row.occurred_at,
        actor: { type: row.actor_type as ActorType, id: row.actor_id, email: row.actor_email },
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        data: row.data as Record<string, unknown>,
      }));
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
