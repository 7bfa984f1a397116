import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';

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

/** The only code on approval_tokens: the approvers' personal links. */
@Injectable()
export class ApprovalTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

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
