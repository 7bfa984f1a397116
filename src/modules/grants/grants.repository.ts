import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { Cursor } from '@/common/http/pagination';
import { allowedFrom, GrantEvent, GrantStatus } from './grant-state';
import type { ApprovalRecord, GrantApprovalGroup, GrantFilters, GrantRecord, NewGrant } from './grant.types';
import { afterCursor } from '@/infra/prisma/keyset';

type Row = Awaited<ReturnType<PrismaService['grant']['findFirstOrThrow']>> & {
  approvals?: { approverEmail: string; decision: string; comment: string | null; decidedAt: Date }[];
};

function toRecord(row: Row): GrantRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    status: row.status as GrantStatus,
    principal: { type: row.principalType, id: row.principalId },
    action: { type: row.actionType, id: row.actionId },
    resource: { type: row.resourceType, id: row.resourceId },
    durationSeconds: row.durationSeconds,
    justification: row.justification,
    requesterEmail: row.requesterEmail,
    context: row.context as Record<string, unknown>,
    policyId: row.policyId,
    determiningRuleIds: row.determiningRuleIds,
    notices: row.notices,
    auditSession: row.auditSession,
    policySetVersion: row.policySetVersion,
    approvalGroups: row.approvalGroups as unknown as GrantApprovalGroup[],
    maxDurationSeconds: row.maxDurationSeconds,
    approvalDeadline: row.approvalDeadline,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    expiresAt: row.expiresAt,
    endedAt: row.endedAt,
    endedReason: row.endedReason,
    approvals: (row.approvals ?? []).map((a) => ({ ...a, decision: a.decision as ApprovalRecord['decision'] })),
  };
}

export interface TransitionPatch {
  durationSeconds?: number;
  activatedAt?: Date;
  expiresAt?: Date;
  endedAt?: Date;
  endedReason?: string;
}

const withApprovals = { approvals: { orderBy: { decidedAt: 'asc' as const } } };

@Injectable()
export class GrantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, grant: NewGrant): Promise<GrantRecord> {
    const row = await tx.grant.create({
      data: {
        id: grant.id,
        tenantId,
        status: grant.status,
        principalType: grant.principal.type,
        principalId: grant.principal.id,
        actionType: grant.action.type,
        actionId: grant.action.id,
        resourceType: grant.resource.type,
        resourceId: grant.resource.id,
        durationSeconds: grant.durationSeconds,
        justification: grant.justification,
        requesterEmail: grant.requesterEmail,
        context: grant.context as object,
        policyId: grant.policyId,
        determiningRuleIds: grant.determiningRuleIds,
        notices: grant.notices,
        auditSession: grant.auditSession,
        policySetVersion: grant.policySetVersion,
        approvalGroups: grant.approvalGroups as unknown as object,
        maxDurationSeconds: grant.maxDurationSeconds,
        approvalDeadline: grant.approvalDeadline,
        createdAt: grant.createdAt,
        activatedAt: grant.activatedAt,
        expiresAt: grant.expiresAt,
        endedAt: grant.endedAt,
        endedReason: grant.endedReason,
      },
      include: withApprovals,
    });
    return toRecord(row);
  }

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<GrantRecord | null> {
    const row = await tx.grant.findFirst({ where: { tenantId, id }, include: withApprovals });
    return row ? toRecord(row) : null;
  }

  /** Ends up to `limit` of the tenant's due grants in one statement; rows another transaction holds are skipped. */
  async expireDue(tx: Tx, tenantId: string, now: Date, limit: number): Promise<GrantRecord[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE grants SET status = 'expired', ended_at = ${now}, ended_reason = 'expired'
      WHERE id IN (SELECT id FROM grants WHERE tenant_id = ${tenantId}::uuid AND status = 'active' AND expires_at <= ${now}
                   ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (rows.length === 0) return [];
    const grants = await tx.grant.findMany({ where: { tenantId, id: { in: rows.map((r) => r.id) } } });
    return grants.map(toRecord);
  }

  async findStatus(tenantId: string, id: string): Promise<{ status: GrantStatus; expiresAt: Date | null } | null> {
    const row = await this.prisma.grant.findFirst({ where: { tenantId, id }, select: { status: true, expiresAt: true } });
    return row ? { status: row.status as GrantStatus, expiresAt: row.expiresAt } : null;
  }

  /** Locks the grant's row for the rest of the transaction and tells its status (null: no such grant). */
  async lockStatus(tx: Tx, tenantId: string, id: string): Promise<{ status: GrantStatus } | null> {
    const [row] = await tx.$queryRaw<{ status: string }[]>`
      SELECT status FROM grants WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    return row ? { status: row.status as GrantStatus } : null;
  }

  /**
   * Compare-and-set: moves the grant only if its status (and, when given, its expiry) is still what the caller saw.
   * Concurrent callers serialise on the row lock; the losers match no row and get null.
   */
  async transition(
    tx: Tx,
    tenantId: string,
    id: string,
    event: GrantEvent,
    to: GrantStatus,
    patch: TransitionPatch,
    expect: { expiresAt?: Date; dueBefore?: Date } = {},
  ): Promise<GrantRecord | null> {
    const { count } = await tx.grant.updateMany({
      where: {
        tenantId,
        id,
        status: { in: [...allowedFrom(event)] },
        ...(expect.expiresAt && { expiresAt: expect.expiresAt }),
        ...(expect.dueBefore && (event === 'time_out' ? { approvalDeadline: { lte: expect.dueBefore } } : { expiresAt: { lte: expect.dueBefore } })),
      },
      data: { status: to, ...patch },
    });
    return count === 0 ? null : this.find(tenantId, id, tx);
  }

  async list(tenantId: string, filters: GrantFilters, limit: number, after?: Cursor): Promise<GrantRecord[]> {
    const rows = await this.prisma.grant.findMany({
      where: {
        tenantId,
        principalType: filters.principalType,
        principalId: filters.principalId,
        actionId: filters.actionId,
        resourceType: filters.resourceType,
        resourceId: filters.resourceId,
        status: filters.status,
        policyId: filters.policyId,
        createdAt: { gt: filters.createdAfter, lt: filters.createdBefore },
        ...((filters.expiresAfter || filters.expiresBefore) && { expiresAt: { gt: filters.expiresAfter, lt: filters.expiresBefore } }),
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: withApprovals,
    });
    return rows.map(toRecord);
  }

  /** Active grants of a tenant, for the access-check cache. */
  async listActive(tenantId: string): Promise<GrantRecord[]> {
    const rows = await this.prisma.grant.findMany({ where: { tenantId, status: 'active' } });
    return rows.map(toRecord);
  }

  async findActiveFor(tenantId: string, key: { principal: { type: string; id: string }; action: { type: string; id: string }; resource: { type: string; id: string } }, now: Date): Promise<GrantRecord | null> {
    const row = await this.prisma.grant.findFirst({
      where: {
        tenantId,
        status: 'active',
        principalType: key.principal.type,
        principalId: key.principal.id,
        actionType: key.action.type,
        actionId: key.action.id,
        resourceType: key.resource.type,
        resourceId: key.resource.id,
        expiresAt: { gt: now },
      },
      orderBy: { expiresAt: 'desc' },
    });
    return row ? toRecord(row) : null;
  }

  /** The current maximum of the governing policy, when it still exists. */
  async policyMaximum(tenantId: string, policyId: string): Promise<number | null> {
    const policy = await this.prisma.policy.findFirst({ where: { tenantId, id: policyId }, select: { maxDurationSeconds: true } });
    return policy?.maxDurationSeconds ?? null;
  }

  /**
   * Sweeper: overdue grants across all tenants (the one cross-tenant read; each transition is then made per tenant).
   */
  async findOverdue(now: Date, limit: number): Promise<{ tenantId: string; id: string; kind: 'expire' | 'time_out' }[]> {
    const [expiring, timingOut] = await Promise.all([
      this.prisma.grant.findMany({ where: { status: 'active', expiresAt: { lte: now } }, select: { tenantId: true, id: true }, take: limit }),
      this.prisma.grant.findMany({ where: { status: 'pending_approval', approvalDeadline: { lte: now } }, select: { tenantId: true, id: true }, take: limit }),
    ]);
    return [...expiring.map((g) => ({ ...g, kind: 'expire' as const })), ...timingOut.map((g) => ({ ...g, kind: 'time_out' as const }))];
  }

  /** Metrics: grants per status over all tenants. */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.prisma.grant.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
  }

  /** The grant's audit events, oldest first: its timeline. */
  async timeline(tenantId: string, grantId: string) {
    const events = await this.prisma.auditEvent.findMany({
      where: { tenantId, targetType: 'grant', targetId: grantId },
      orderBy: { seq: 'asc' },
    });
    return events.map((e) => ({
      id: e.id,
      occurred_at: e.occurredAt.toISOString(),
      action: e.action,
      actor: { type: e.actorType, id: e.actorId, ...(e.actorEmail && { email: e.actorEmail }) },
      data: e.data,
    }));
  }
}
