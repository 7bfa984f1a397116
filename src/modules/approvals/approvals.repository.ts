import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import type { ApprovalDecision } from './approval-rules';

export type ApprovalChannel = 'email' | 'slack';

export interface ApprovalTokenRecord {
  id: string;
  tenantId: string;
  grantId: string;
  approverEmail: string;
  channel: ApprovalChannel;
  /** The approval round the link decides: 0 for the request, n for the grant's extension of round n. */
  round: number;
  expiresAt: Date;
  usedAt: Date | null;
}

const tokenFields = { id: true, tenantId: true, grantId: true, approverEmail: true, channel: true, round: true, expiresAt: true, usedAt: true } as const;

@Injectable()
export class ApprovalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Holds the grant's row lock until `tx` ends: decisions on one grant run one after another. */
  async lockGrant(tx: Tx, tenantId: string, grantId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM grants WHERE tenant_id = ${tenantId}::uuid AND id = ${grantId}::uuid FOR UPDATE`;
    return rows.length === 1;
  }

  async insertDecision(tx: Tx, tenantId: string, decision: { grantId: string; round: number; approverEmail: string; decision: ApprovalDecision; comment: string | null; decidedAt: Date }): Promise<void> {
    await tx.grantApproval.create({ data: { tenantId, ...decision } });
  }

  async policyName(tenantId: string, policyId: string): Promise<string | null> {
    const policy = await this.prisma.policy.findFirst({ where: { tenantId, id: policyId }, select: { name: true } });
    return policy?.name ?? null;
  }

  /**
   * One live link per grant, approver and channel: issuing again replaces the secret, binds it to `round` and
   * revives it (an older round's unused link stops working).
   */
  async upsertToken(tenantId: string, token: { grantId: string; approverEmail: string; channel: ApprovalChannel; round: number; tokenHash: Buffer; expiresAt: Date }): Promise<void> {
    const tokenHash = new Uint8Array(token.tokenHash);
    await this.prisma.approvalToken.upsert({
      where: { grantId_approverEmail_channel: { grantId: token.grantId, approverEmail: token.approverEmail, channel: token.channel } },
      create: { tenantId, ...token, tokenHash },
      update: { tokenHash, round: token.round, expiresAt: token.expiresAt, usedAt: null },
    });
  }

  /** The link's only key is its secret, so this lookup is not scoped by tenant: the row names its tenant. */
  async findTokenByHash(tokenHash: Buffer): Promise<ApprovalTokenRecord | null> {
    const row = await this.prisma.approvalToken.findUnique({ where: { tokenHash: new Uint8Array(tokenHash) }, select: tokenFields });
    return row ? { ...row, channel: row.channel as ApprovalChannel } : null;
  }

  /** Compare-and-set: true for the one caller that uses a still valid link of this round. */
  async consumeToken(tx: Tx, tenantId: string, tokenId: string, round: number, now: Date): Promise<boolean> {
    const { count } = await tx.approvalToken.updateMany({
      where: { tenantId, id: tokenId, round, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    return count === 1;
  }
}
