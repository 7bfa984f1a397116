import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';

/**
 * The only code that writes grant_approvals: approvers' decisions are part of the grant (round 0: the request;
 * n: its extension of round n) and are read with it by GrantsRepository.
 */
@Injectable()
export class GrantApprovalsRepository {
  /** Unique per grant, round and approver: a second decision by the same approver fails. */
  async insert(tx: Tx, tenantId: string, decision: { grantId: string; round: number; approverEmail: string; decision: 'approve' | 'deny'; comment: string | null; decidedAt: Date }): Promise<void> {
    await tx.grantApproval.create({ data: { tenantId, ...decision } });
  }
}
