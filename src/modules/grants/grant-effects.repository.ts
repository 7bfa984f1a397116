import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '@/generated/prisma/client';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';

export interface PendingEffectRow {
  id: string;
  tenantId: string;
  grantId: string;
  event: string;
  auditEventId: string | null;
  createdAt: Date;
}

export interface OutboxChange {
  tenantId: string;
  grantId: string;
  event: string;
  auditEventId: string | null;
}

/** Outbox rows for these changes (ids and time chosen here), ready for `addOutboxSql`. */
export function outboxRows(changes: OutboxChange[], createdAt = new Date()): PendingEffectRow[] {
  return changes.map((change) => ({ id: randomUUID(), ...change, createdAt }));
}

/** The INSERT of outbox rows as SQL (rows of one time, of one tenant or several); with `gate` (a CTE name) only when it has a row. */
export function addOutboxSql(rows: PendingEffectRow[], gate?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO grant_effects (id, tenant_id, grant_id, event, audit_event_id, created_at)
    SELECT id, tenant_id, grant_id, event, audit_event_id, ${rows[0]?.createdAt.toISOString() ?? null}::timestamptz
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.grantId)}::uuid[], ${rows.map((r) => r.event)}::text[],
      ${rows.map((r) => r.auditEventId)}::uuid[]) AS r(id, tenant_id, grant_id, event, audit_event_id)
    ${gate ? Prisma.sql`WHERE EXISTS (SELECT 1 FROM ${gate})` : Prisma.empty}`;
}

/** The outbox of grant changes: a row per change whose after-commit effects have not been confirmed yet. */
@Injectable()
export class GrantEffectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async add(tx: RawTx, changes: OutboxChange[]): Promise<PendingEffectRow[]> {
    const rows = outboxRows(changes);
    // One array per column: an expiry pass writes 500 rows, which Prisma's createMany built and mapped slowly
    // (about 0.4 ms a row, the largest part of a pass).
    if (rows.length > 0) await tx.$executeRaw(addOutboxSql(rows));
    return rows;
  }

  async remove(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.prisma.raw.$executeRaw`DELETE FROM grant_effects WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${ids}::uuid[])`;
  }

  /** Rows of several tenants in one statement (OutboxRemovals), each matched on its tenant and id. */
  async removeMany(rows: { tenantId: string; id: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.raw.$executeRaw`DELETE FROM grant_effects WHERE (tenant_id, id) IN (
      SELECT * FROM unnest(${rows.map((row) => row.tenantId)}::uuid[], ${rows.map((row) => row.id)}::uuid[]))`;
  }

  /** Across tenants, for the sweep: changes whose effects should have gone out by `before`. */
  async findStale(before: Date, limit: number): Promise<PendingEffectRow[]> {
    return this.prisma.grantEffect.findMany({
      where: { createdAt: { lt: before } },
      select: { id: true, tenantId: true, grantId: true, event: true, auditEventId: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
  }
}
