import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
import { LockedHead, lockHeadSql } from '@/modules/audit/audit.repository';
import { afterCursor } from '@/infra/prisma/keyset';
import { Prisma } from '@/generated/prisma/client';
import type { EntityUid } from '@/infra/cedar/cedar-types';
import { AccessTriple, accessLockSql, LiveByTenant, LiveGrant, LiveRow, liveForSql, TenantTriple, TripleRow, tripleOfRow, tryAccessLockSql } from './access-triple';
import type { Cursor } from '@/common/http/pagination';
import { allowedFrom, GrantStatus, GrantTransition } from './grant-state';
import { GRANT_DETAILS_JSON, GRANT_ROW, GrantDetailsJson, GrantRow, toGrantRecord, withDetails, withDetailsFromJson } from './grant.mapper';
import type { GrantFilters, GrantRecord, NewGrant } from './grant.types';
import type { GrantApprovalGroup } from '@/modules/decisions/approval-groups';

/** An active grant or pending request with what deciding it again needs. */
export interface ImpactRow {
  id: string;
  status: 'active' | 'pending_approval';
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  durationSeconds: number;
  justification: string | null;
  context: Record<string, unknown>;
  createdAt: Date;
  policyId: string | null;
  approvalGroups: GrantApprovalGroup[];
}

export interface TransitionPatch {
  durationSeconds?: number;
  activatedAt?: Date;
  expiresAt?: Date;
  endedAt?: Date;
  endedReason?: string;
  determiningRuleIds?: string[];
  policySetVersion?: bigint;
  auditSession?: boolean;
  revokeSeq?: bigint;
}

/** What ending a grant due at `now` sets: `ended_at` is when the statement runs (after any lock wait), never before `now`. */
const expireSetSql = (now: Date): Prisma.Sql =>
  Prisma.sql`status = 'expired', ended_at = GREATEST(${now}::timestamptz, statement_timestamp()), ended_reason = 'expired'`;

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/**
 * The INSERT of a new grant as SQL, one row per row of `gate` (a CTE name; one row or none), returning the row as
 * GrantRow names it. Types as the model wrote them: jsonb from JSON text, timestamptz(3) from ISO strings.
 */
export function insertGrantSql(tenantId: string, grant: NewGrant, gate: Prisma.Sql): Prisma.Sql {
  const { principal, action, resource } = grant;
  return Prisma.sql`
    INSERT INTO grants (id, tenant_id, status, principal_type, principal_id, action_type, action_id, resource_type, resource_id,
      duration_seconds, justification, requester_email, context, policy_id, determining_rule_ids, notices, audit_session,
      policy_set_version, approval_groups, max_duration_seconds, approval_deadline, created_at, activated_at, expires_at,
      ended_at, ended_reason, identity)
    SELECT ${grant.id}::uuid, ${tenantId}::uuid, ${grant.status}::text, ${principal.type}::text, ${principal.id}::text, ${action.type}::text,
      ${action.id}::text, ${resource.type}::text, ${resource.id}::text, ${grant.durationSeconds}::int, ${grant.justification}::text, ${grant.requesterEmail}::text,
      ${JSON.stringify(grant.context)}::jsonb, ${grant.policyId}::uuid, ${grant.determiningRuleIds}::text[], ${grant.notices}::text[],
      ${grant.auditSession}::boolean, ${grant.policySetVersion?.toString() ?? null}::bigint, ${JSON.stringify(grant.approvalGroups)}::jsonb,
      ${grant.maxDurationSeconds}::int, ${iso(grant.approvalDeadline)}::timestamptz, ${iso(grant.createdAt)}::timestamptz,
      ${iso(grant.activatedAt)}::timestamptz, ${iso(grant.expiresAt)}::timestamptz, ${iso(grant.endedAt)}::timestamptz,
      ${grant.endedReason}::text, ${grant.identity ? JSON.stringify(grant.identity) : null}::jsonb
    FROM ${gate}
    RETURNING ${GRANT_ROW}`;
}

/** The only code on the grants table. */
@Injectable()
export class GrantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(tenantId: string, id: string, tx: Tx = this.prisma): Promise<GrantRecord | null> {
    const row = await tx.grant.findFirst({ where: { tenantId, id }, include: withDetails });
    return row ? toGrantRecord(row) : null;
  }

  async findStatus(tenantId: string, id: string): Promise<{ status: GrantStatus; expiresAt: Date | null } | null> {
    const row = await this.prisma.grant.findFirst({ where: { tenantId, id }, select: { status: true, expiresAt: true } });
    return row ? { status: row.status as GrantStatus, expiresAt: row.expiresAt } : null;
  }

  /** The grant's triple (it never changes), read without a lock so that access locks can be taken first. */
  async tripleOf(tx: Tx, tenantId: string, id: string): Promise<AccessTriple | null> {
    const [row] = await tx.$queryRaw<TripleRow[]>`
      SELECT principal_type, principal_id, action_type, action_id, resource_type, resource_id
      FROM grants WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid`;
    return row ? tripleOfRow(row) : null;
  }

  /**
   * Serialises, until `tx` ends, every change that starts or ends access to these triples (transaction-level
   * advisory locks, taken in key order), so that `access_remains` computed inside `tx` stays true at commit. Take
   * them before any row lock.
   */
  async lockAccess(tx: RawTx, tenantId: string, triples: AccessTriple[]): Promise<void> {
    if (triples.length > 0) await tx.$queryRaw(accessLockSql(tenantId, triples));
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
    event: GrantTransition,
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

  /**
   * Ends up to `limit` of the tenant's grants due at `now`: their access locks first, then one statement; rows
   * another transaction holds are skipped (counted in `skipped`: their jobs look again). `ended_at` is when that
   * statement ran (never before `now`), after any wait for the locks.
   */
  async expireDue(tx: RawTx, tenantId: string, now: Date, limit: number): Promise<{ ended: GrantRecord[]; skipped: number }> {
    const due = await tx.$queryRaw<(TripleRow & { id: string })[]>`
      SELECT id, principal_type, principal_id, action_type, action_id, resource_type, resource_id FROM grants
      WHERE tenant_id = ${tenantId}::uuid AND status = 'active' AND expires_at <= ${now} ORDER BY expires_at LIMIT ${limit}`;
    if (due.length === 0) return { ended: [], skipped: 0 };
    const ids = due.map((row) => row.id);
    // The access locks first, in a statement of their own: the UPDATE's snapshot must be taken once they are held,
    // so that it sees what a transaction that held one committed (a pending extension asked for while the pass
    // waited: its details are read in that snapshot, and left pending if not seen). In one statement with the
    // UPDATE, the snapshot predated the wait.
    await this.lockAccess(tx, tenantId, due.map(tripleOfRow));
    // The rows, each re-checked on its latest version; the ended rows come back whole, decisions and extensions
    // included: reading them again through the model cost more than the rest of the pass.
    const rows = await tx.$queryRaw<(GrantRow & GrantDetailsJson)[]>`
      UPDATE grants SET ${expireSetSql(now)}
      WHERE id IN (SELECT id FROM grants WHERE id = ANY(${ids}::uuid[]) AND status = 'active' AND expires_at <= ${now} FOR UPDATE SKIP LOCKED)
      RETURNING ${GRANT_ROW}, ${GRANT_DETAILS_JSON}`;
    return { ended: rows.map((row) => toGrantRecord(withDetailsFromJson(row))), skipped: due.length - rows.length };
  }

  /**
   * Due grants of every tenant, earliest first (up to `limit`), their rows locked until the transaction ends; rows
   * another transaction holds are left out (SKIP LOCKED), so this never waits (GrantExpiry.passAcross).
   */
  async lockDueAcross(tx: RawTx, now: Date, limit: number): Promise<(TenantTriple & { id: string })[]> {
    const rows = await tx.$queryRaw<(TripleRow & { id: string; tenant_id: string })[]>`
      SELECT id, tenant_id, principal_type, principal_id, action_type, action_id, resource_type, resource_id FROM grants
      WHERE status = 'active' AND expires_at <= ${now} ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, triple: tripleOfRow(row) }));
  }

  /** Takes the free access locks of these triples without waiting (tryAccessLockSql): whether each was taken, in order. */
  async tryLockAccess(tx: RawTx, items: TenantTriple[]): Promise<boolean[]> {
    const locks = tryAccessLockSql(items);
    return locks.read(await tx.$queryRaw<{ k: bigint }[]>(locks.sql));
  }

  /**
   * Ends these grants, whose rows the caller locked, if still active, due at `now` and without a pending extension
   * (whose end would wait for its row); returned whole (expireDue).
   */
  async expireLockedUnextended(tx: RawTx, ids: string[], now: Date): Promise<GrantRecord[]> {
    if (ids.length === 0) return [];
    const rows = await tx.$queryRaw<(GrantRow & GrantDetailsJson)[]>`
      UPDATE grants SET ${expireSetSql(now)}
      WHERE id = ANY(${ids}::uuid[]) AND status = 'active' AND expires_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM grant_extensions e WHERE e.tenant_id = grants.tenant_id AND e.grant_id = grants.id AND e.status = 'pending')
      RETURNING ${GRANT_ROW}, ${GRANT_DETAILS_JSON}`;
    return rows.map((row) => toGrantRecord(withDetailsFromJson(row)));
  }

  /** liveFor across tenants: by tenant, then by tripleKey. */
  async liveForAcross(tx: RawTx, items: TenantTriple[], now: Date): Promise<LiveByTenant> {
    const live = liveForSql(items, now);
    return live ? live.read(await tx.$queryRaw<LiveRow[]>(live.sql)) : new Map();
  }

  /** Tenants that have an active grant due at `now` (at most `limit`): what a pass across tenants left behind. */
  async tenantsWithDue(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.raw.$queryRaw<{ tenant_id: string }[]>`
      SELECT DISTINCT tenant_id FROM grants WHERE status = 'active' AND expires_at <= ${now} LIMIT ${limit}`;
    return rows.map((row) => row.tenant_id);
  }

  /** True when an active grant of the tenant has reached its expires_at. */
  async hasDue(tenantId: string, now: Date): Promise<boolean> {
    return (await this.prisma.grant.findFirst({ where: { tenantId, status: 'active', expiresAt: { lte: now } }, select: { id: true } })) !== null;
  }

  /** For each triple, the active grant with the latest expiry after `now`, if any (keyed by tripleKey). */
  async liveFor(tx: RawTx, tenantId: string, triples: AccessTriple[], now: Date): Promise<Map<string, LiveGrant>> {
    const live = liveForSql(triples.map((triple) => ({ tenantId, triple })), now);
    if (!live) return new Map();
    return live.read(await tx.$queryRaw<LiveRow[]>(live.sql)).get(tenantId) ?? new Map();
  }

  /**
   * liveFor and the tenant's audit head lock (audit.repository.ts lockHeadSql) in one statement, for a change that
   * appends next (an expiry pass): `head` is null when the tenant has no head row yet.
   */
  async liveForLockingHead(tx: RawTx, tenantId: string, triples: AccessTriple[], now: Date): Promise<{ live: Map<string, LiveGrant>; head: LockedHead | null }> {
    const live = liveForSql(triples.map((triple) => ({ tenantId, triple })), now);
    const rows = await tx.$queryRaw<(Partial<LiveRow> & { seq: bigint | null; hash: string | null; staged: boolean | null })[]>`
      WITH head AS (${lockHeadSql(tenantId)})${live ? Prisma.sql`, live AS (${live.sql})` : Prisma.empty}
      SELECT head.seq, head.hash, head.staged${live ? Prisma.sql`, live.n, live.id, live.expires_at` : Prisma.empty}
      FROM (SELECT 1) AS one LEFT JOIN head ON true${live ? Prisma.sql` LEFT JOIN live ON true` : Prisma.empty}`;
    const [first] = rows;
    const head = first.seq !== null && first.hash !== null ? { seq: first.seq, hash: first.hash, staged: first.staged === true } : null;
    const found = rows.filter((row): row is LiveRow & typeof row => row.n !== undefined && row.n !== null);
    return { live: (live ? live.read(found).get(tenantId) : undefined) ?? new Map<string, LiveGrant>(), head };
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
        ...(filters.ownedBy !== undefined && { AND: [{ OR: [{ requesterEmail: filters.ownedBy }, { principalType: 'User', principalId: filters.ownedBy }] }] }),
        ...afterCursor(after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: withDetails,
    });
    return rows.map(toGrantRecord);
  }

  /**
   * Grants with a round waiting for `email`'s decision (a pending request, or a pending extension of an active
   * grant, where `email` is a member of an approval group and has not decided), newest first from `after`.
   * Self-approval is left to the approval rules of the caller.
   */
  async waitingFor(tenantId: string, email: string, limit: number, after?: Cursor): Promise<GrantRecord[]> {
    const member = JSON.stringify([{ members: [email] }]);
    const at = after?.createdAt ?? new Date('9999-12-31T00:00:00Z');
    const id = after?.id ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    const ids = await this.prisma.raw.$queryRaw<{ id: string }[]>`
      SELECT g.id::text AS id FROM grants g
      WHERE g.tenant_id = ${tenantId}::uuid AND (g.created_at, g.id) < (${at}::timestamptz, ${id}::uuid) AND (
        (g.status = 'pending_approval' AND g.approval_deadline > now() AND g.approval_groups @> ${member}::jsonb
          AND NOT EXISTS (SELECT 1 FROM grant_approvals a WHERE a.grant_id = g.id AND a.round = 0 AND a.approver_email = ${email}))
        OR (g.status = 'active' AND EXISTS (SELECT 1 FROM grant_extensions e WHERE e.grant_id = g.id AND e.status = 'pending'
          AND e.approval_deadline > now() AND e.approval_groups @> ${member}::jsonb
          AND NOT EXISTS (SELECT 1 FROM grant_approvals a WHERE a.grant_id = g.id AND a.round = e.round AND a.approver_email = ${email}))))
      ORDER BY g.created_at DESC, g.id DESC LIMIT ${limit}`;
    if (ids.length === 0) return [];
    const rows = await this.prisma.grant.findMany({ where: { tenantId, id: { in: ids.map((row) => row.id) } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], include: withDetails });
    return rows.map(toGrantRecord);
  }

  /** Active grants of a tenant, without their decisions and extensions (an access cache's load). */
  async listActive(tenantId: string, tx: RawTx = this.prisma.raw): Promise<GrantRecord[]> {
    const rows = await tx.$queryRaw<GrantRow[]>`SELECT ${GRANT_ROW} FROM grants WHERE tenant_id = ${tenantId}::uuid AND status = 'active'`;
    return rows.map(toGrantRecord);
  }

  /** Grants revoked while active after the tenant's revocation counter was `after`, in counter order. */
  async revokedSince(tenantId: string, after: bigint): Promise<(GrantRecord & { revokeSeq: bigint })[]> {
    const rows = await this.prisma.grant.findMany({ where: { tenantId, revokeSeq: { gt: after } }, orderBy: { revokeSeq: 'asc' } });
    return rows.map((row) => ({ ...toGrantRecord(row), revokeSeq: row.revokeSeq ?? after }));
  }

  async findActiveFor(tenantId: string, key: AccessTriple, now: Date): Promise<GrantRecord | null> {
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
    return row ? toGrantRecord(row) : null;
  }

  /** Ids of the tenant's requests still waiting for approval under this policy. */
  async pendingOfPolicy(tx: Tx, tenantId: string, policyId: string): Promise<string[]> {
    const rows = await tx.grant.findMany({ where: { tenantId, policyId, status: 'pending_approval' }, select: { id: true } });
    return rows.map((row) => row.id);
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

  /**
   * One keyset page of a tenant's active grants and pending requests with what a re-decision needs (policy bundles'
   * impact), in creation order: the `limit` first after `after` (the last row of the previous page).
   */
  async impactPage(tx: Tx, tenantId: string, after: { createdAt: Date; id: string } | null, limit: number): Promise<ImpactRow[]> {
    const rows = await tx.grant.findMany({
      where: {
        tenantId,
        status: { in: ['active', 'pending_approval'] },
        // The `gte` bound lets PostgreSQL start the index scan at the cursor; the OR alone would scan from the start.
        ...(after && { createdAt: { gte: after.createdAt }, OR: [{ createdAt: { gt: after.createdAt } }, { id: { gt: after.id } }] }),
      },
      select: {
        id: true, status: true, principalType: true, principalId: true, actionType: true, actionId: true, resourceType: true, resourceId: true,
        durationSeconds: true, justification: true, context: true, createdAt: true, policyId: true, approvalGroups: true,
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map((r) => ({
      id: r.id,
      status: r.status as ImpactRow['status'],
      principal: { type: r.principalType, id: r.principalId },
      action: { type: r.actionType, id: r.actionId },
      resource: { type: r.resourceType, id: r.resourceId },
      durationSeconds: r.durationSeconds,
      justification: r.justification,
      context: (r.context ?? {}) as Record<string, unknown>,
      createdAt: r.createdAt,
      policyId: r.policyId,
      approvalGroups: r.approvalGroups as unknown as GrantApprovalGroup[],
    }));
  }

  /** Metrics: grants per status over all tenants. */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.prisma.grant.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
  }
}
