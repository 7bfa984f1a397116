import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { invalidState, notFound } from '@/common/errors/domain-error';
import { pendingExtension } from '@/modules/grants/grant.types';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { hashToken, isTokenShaped, linkExpiry, newToken } from './approval-token';
import { ApprovalChannel, ApprovalsRepository, ApprovalTokenRecord } from './approvals.repository';

export interface IssuedLink {
  /** The secret: put it in the message, never in a log. */
  token: string;
  url: string;
  expiresAt: Date;
}

/** Personal approval links: random, single-use, expiring, stored only as a hash. */
@Injectable()
export class ApprovalTokensService {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly grants: GrantsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A new link for this approver, channel and approval round (0: the request, n: the grant's extension of round n);
   * the previous link of the same channel stops working.
   */
  async issue(tenantId: string, grantId: string, approverEmail: string, channel: ApprovalChannel, round = 0): Promise<IssuedLink> {
    const grant = await this.grants.find(tenantId, grantId);
    if (!grant) throw notFound('Grant');
    const extension = round > 0 ? pendingExtension(grant) : null;
    if (round === 0 ? grant.status !== 'pending_approval' : extension?.round !== round) {
      throw invalidState(`The request is ${grant.status}, no longer waiting for approval`, { status: grant.status });
    }
    const token = newToken();
    const expiresAt = linkExpiry(extension?.approvalDeadline ?? grant.approvalDeadline, new Date(), this.config.approvalLinkTtlSeconds);
    await this.approvals.upsertToken(tenantId, { grantId, approverEmail: normalizeEmail(approverEmail), channel, round, tokenHash: hashToken(token), expiresAt });
    return { token, url: `${this.config.publicBaseUrl}/approvals/${token}`, expiresAt };
  }

  /** The link a token belongs to, whatever its state; null for anything that is not a token we issued. */
  async resolve(token: string): Promise<ApprovalTokenRecord | null> {
    return isTokenShaped(token) ? this.approvals.findTokenByHash(hashToken(token)) : null;
  }
}
