import type { Page } from '@/common/http/pagination';
import { GrantResponse } from '@/modules/grants/dto/grant.response';
import type { WaitingApproval } from '@/modules/approvals/my-approvals.service';

/** An approval group's progress: `approvals` of the `approvals_needed`, out of `members_count` members. */
export class ApprovalGroupProgressResponse {
  approvals_needed!: number;
  approvals!: number;
  members_count!: number;
}

/** A request (round 0) or an extension (round n) waiting for the caller's decision. */
export class WaitingApprovalResponse implements WaitingApproval {
  grant!: GrantResponse;
  /** 0: the request; n: the grant's extension of round n. */
  round!: number;
  groups!: ApprovalGroupProgressResponse[];
  approval_deadline!: string | null;
}

export class WaitingApprovalPageResponse implements Page<WaitingApproval> {
  data!: WaitingApprovalResponse[];
  next_cursor!: string | null;
}
