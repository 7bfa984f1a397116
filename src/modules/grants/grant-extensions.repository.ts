import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { RawTx } from '@/infra/prisma/raw-sql';
import type { GrantApprovalGroup } from '@/modules/decisions/approval-groups';
import type { ExtensionStatus } from './grant.types';

export interface NewExtension {
  id: string;
  grantId: string;
  round: number;
  addedSeconds: number;
  justification: string | null;
  approvalGroups: GrantApprovalGroup[];
  policyId: string | null;
  determiningRuleIds: string[];
  approvalDeadline: Date;
  createdAt: Date;
}

/** The only code on grant_extensions. */
@Injectable()
export class GrantExtensionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, tenantId: string, extension: NewExtension): Promise<void> {
    await tx.grantExtension.create({
      data: { ...extension, tenantId, status: 'pending', approvalGroups: extension.approvalGroups as unknown as object },
    });
  }

  /** The next round number of the grant (1 for its first extension). */
  async nextRound(tx: Tx, tenantId: string, grantId: string): Promise<number> {
    const last = await tx.grantExtension.findFirst({ where: { tenantId, grantId }, orderBy: { round: 'desc' }, select: { round: true } });
    return (last?.round ?? 0) + 1;
  }

  /** Compare-and-set from pending; false when the extension was no longer pending. */
  async end(tx: Tx, tenantId: string, id: string, status: Exclude<ExtensionStatus, 'pending'>, endedAt: Date, endedReason: string): Promise<boolean> {
    const { count } = await tx.grantExtension.updateMany({ where: { tenantId, id, status: 'pending' }, data: { status, endedAt, endedReason } });
    return count === 1;
  }

  /** Ends the pending extensions of grants that have just ended (their access is gone, so is the question). */
  async cancelPendingOf(tx: RawTx, tenantId: string, grantIds: string[], endedAt: Date, endedReason: string): Promise<void> {
    if (grantIds.length === 0) return;
    await tx.$executeRaw`UPDATE grant_extensions SET status = 'cancelled', ended_at = ${endedAt}, ended_reason = ${endedReason}
      WHERE tenant_id = ${tenantId}::uuid AND grant_id = ANY(${grantIds}::uuid[]) AND status = 'pending'`;
  }

  /** Sweeper, across tenants: pending extensions past their approval deadline. */
  findOverdue(now: Date, limit: number): Promise<{ tenantId: string; id: string; grantId: string; round: number }[]> {
    return this.prisma.grantExtension.findMany({
      where: { status: 'pending', approvalDeadline: { lte: now } },
      select: { tenantId: true, id: true, grantId: true, round: true },
      take: limit,
    });
  }
}
