import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
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

/** Events with their id and staging time, ready for `stageSql`. */
export function toStage(inputs: AuditEventInput[], occurredAt = new Date()): StagedEvent[] {
  return inputs.map((input) => ({ ...input, id: randomUUID(), occurredAt }));
}

/**
 * The INSERT that stages events, in the given order (append_order follows the row order), as SQL; with `gate` (a
 * CTE name) only when the gate has a row.
 */
export function stageSql(tenantId: string, events: StagedEvent[], gate?: Prisma.Sql): Prisma.Sql {
  const column = <T>(pick: (event: StagedEvent) => T) => events.map(pick);
  return Prisma.sql`
    INSERT INTO audit_pending (id, tenant_id, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data)
    SELECT id, ${tenantId}::uuid, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data
    FROM unnest(${column((e) => e.id)}::uuid[], ${column((e) => e.occurredAt.toISOString())}::timestamptz[], ${column((e) => e.actor.type)}::text[],
      ${column((e) => e.actor.id)}::text[], ${column((e) => e.actor.email ?? null)}::text[], ${column((e) => e.action)}::text[],
      ${column((e) => e.targetType)}::text[], ${column((e) => e.targetId)}::text[], ${column((e) => JSON.stringify(e.data))}::jsonb[]) WITH ORDINALITY
      AS e(id, occurred_at, actor_type, actor_id, actor_email, action, target_type, target_id, data, n)
    ${gate ? Prisma.sql`WHERE EXISTS (SELECT 1 FROM ${gate})` : Prisma.empty}
    ORDER BY n`;
}

/** Whether the tenant (an id, or a column of the outer query such as `h.tenant_id`) has staged events, as a boolean subquery (statement snapshot). */
export const stagedExistSql = (tenantId: string | Prisma.Sql): Prisma.Sql =>
  Prisma.sql`EXISTS (SELECT 1 FROM audit_pending WHERE tenant_id = ${typeof tenantId === 'string' ? Prisma.sql`${tenantId}::uuid` : tenantId})`;

/** How many of these staged events are still in audit_pending, as a scalar subquery (statement snapshot). */
export const countStagedSql = (tenantId: string, ids: string[]): Prisma.Sql =>
  Prisma.sql`(SELECT count(*)::int FROM audit_pending WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${ids}::uuid[]))`;

/** Removes these staged events when `gate` (a CTE name) has a row. */
export const removeStagedSql = (tenantId: string, ids: string[], gate: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`DELETE FROM audit_pending WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${ids}::uuid[]) AND EXISTS (SELECT 1 FROM ${gate})`;

/** audit_pending: events committed with their change, waiting for the chainer (audit-chainer.ts). */
@Injectable()
export class AuditPendingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stages events inside the caller's transaction, in one statement and in the given order: no head lock, so
   * concurrent changes do not queue here.
   */
  async stage(tx: Tx, tenantId: string, inputs: AuditEventInput[]): Promise<StagedEvent[]> {
    const events = toStage(inputs);
    await tx.$executeRaw(stageSql(tenantId, events));
    return events;
  }

  /**
   * Removes and returns the tenant's oldest committed staged events, in the order they were staged (one statement;
   * the caller holds the head lock, so no other pass takes the same rows, and its transaction puts them back if it
   * fails).
   */
  async take(tx: RawTx, tenantId: string, limit: number): Promise<StagedEvent[]> {
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
    const rows = await this.prisma.raw.$queryRaw<{ tenant_id: string }[]>`SELECT DISTINCT tenant_id::text FROM audit_pending LIMIT ${limit}`;
    return rows.map((row) => row.tenant_id);
  }
}
