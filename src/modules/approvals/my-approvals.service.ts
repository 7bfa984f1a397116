import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, Page, PageQuery, pageSize } from '@/common/http/pagination';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { GrantView, toGrantView } from '@/modules/grants/grant-view';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { approvalCase, currentRound } from './approvals.service';
import { eligibility, groupProgress } from './approval-rules';

/** One request waiting for the caller's decision (PRODUCT.md section 16). */
export interface WaitingApproval {
  grant: GrantView;
  /** 0: the request; n: the grant's extension of round n. */
  round: number;
  groups: { approvals_needed: number; approvals: number; members_count: number }[];
  approval_deadline: string | null;
}

/** GET /v1/me/approvals: the requests and extensions waiting for this person's decision. */
@Injectable()
export class MyApprovals {
  constructor(private readonly grants: GrantsRepository) {}

  async waitingFor(tenantId: string, email: string, query: PageQuery): Promise<Page<WaitingApproval>> {
    const limit = pageSize(query);
    const approver = normalizeEmail(email);
    const rows = await this.grants.waitingFor(tenantId, approver, limit + 1, decodeCursor(query.cursor));
    const shown = rows.slice(0, limit);
    const now = new Date();
    const data = shown.flatMap((grant): WaitingApproval[] => {
      const round = currentRound(grant, now);
      const request = approvalCase(grant, now, round);
      if (eligibility(request, approver) !== 'eligible') return [];
      const progress = groupProgress(request.groups, request.approvals);
      const deadline = round === 0 ? grant.approvalDeadline : (grant.extensions.find((e) => e.round === round)?.approvalDeadline ?? null);
      return [
        {
          grant: toGrantView(grant),
          round,
          groups: request.groups.map((group, index) => ({ approvals_needed: group.approvals_needed, approvals: progress[index].approvedBy.length, members_count: group.members.length })),
          approval_deadline: deadline?.toISOString() ?? null,
        },
      ];
    });
    const last = shown[shown.length - 1];
    return { data, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}
