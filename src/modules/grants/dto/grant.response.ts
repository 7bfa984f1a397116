import { ApiProperty } from '@nestjs/swagger';
import { EntityUidResponse } from '@/modules/entities/dto/entity.response';
import { GRANT_STATUSES, type GrantStatus } from '@/modules/grants/grant-state';
import { EXTENSION_STATUSES, type ExtensionStatus } from '@/modules/grants/grant.types';
import type { GrantView } from '@/modules/grants/grant-view';

/** One approver's decision. */
export class ApprovalResponse {
  approver_email!: string;
  decision!: 'approve' | 'deny';
  comment!: string | null;
  decided_at!: string;
}

/** The approvers a round needs: `approvals_needed` of `members`. */
export class GrantApprovalGroupResponse {
  approvals_needed!: number;
  members!: string[];
}

/** A request to lengthen an active grant (approval round `round`). */
export class ExtensionResponse {
  id!: string;
  round!: number;
  added_seconds!: number;
  @ApiProperty({ enum: EXTENSION_STATUSES })
  status!: ExtensionStatus;
  justification!: string | null;
  approval_groups!: GrantApprovalGroupResponse[];
  policy_id!: string | null;
  determining_rule_ids!: string[];
  approval_deadline!: string;
  requested_at!: string;
  ended_at!: string | null;
  ended_reason!: string | null;
  approvals!: ApprovalResponse[];
}

/** A grant (PRODUCT.md section 6). */
export class GrantResponse implements GrantView {
  id!: string;
  @ApiProperty({ enum: GRANT_STATUSES })
  status!: GrantStatus;
  principal!: EntityUidResponse;
  action!: EntityUidResponse;
  resource!: EntityUidResponse;
  duration_seconds!: number;
  justification!: string | null;
  requester_email!: string | null;
  context!: Record<string, unknown>;
  policy_id!: string | null;
  determining_rule_ids!: string[];
  notices!: string[];
  audit_session!: boolean;
  policy_set_version!: number | null;
  approvals!: ApprovalResponse[];
  approval_deadline!: string | null;
  created_at!: string;
  activated_at!: string | null;
  expires_at!: string | null;
  ended_at!: string | null;
  ended_reason!: string | null;
  pending_extension!: ExtensionResponse | null;
  extensions!: ExtensionResponse[];
}

/** Who did something: an API key, an approver (by email) or the service itself. */
export class ActorResponse {
  @ApiProperty({ enum: ['api_key', 'approver', 'system'] })
  type!: string;
  id!: string | null;
  email?: string;
}

/** One audit event of a grant's timeline. */
export class GrantEventResponse {
  id!: string;
  occurred_at!: string;
  action!: string;
  actor!: ActorResponse;
  /** The event's payload, as the audit log holds it. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: unknown;
}

/** A grant with its timeline, oldest event first. */
export class GrantDetailResponse extends GrantResponse {
  events!: GrantEventResponse[];
}

export class GrantPageResponse {
  data!: GrantResponse[];
  next_cursor!: string | null;
}
