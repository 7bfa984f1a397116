import { ApiProperty } from '@nestjs/swagger';
import type { SimulationView } from '@/modules/policies/simulation';

/** A rule Cedar could not evaluate. */
export class EvaluationErrorResponse {
  rule_id!: string;
  policy_id!: string | null;
  @ApiProperty({ enum: ['permit', 'forbid'], nullable: true })
  effect!: 'permit' | 'forbid' | null;
  message!: string;
}

/** An approval group's size, for a request form. */
export class SimulationApprovalGroupResponse {
  approvals_needed!: number;
  members_count!: number;
}

/** The decision a request would get. */
export class SimulationResponse implements SimulationView {
  @ApiProperty({ enum: ['allow', 'deny'] })
  decision!: 'allow' | 'deny';
  policy_id!: string | null;
  determining_rule_ids!: string[];
  notices!: string[];
  duration_seconds!: number | null;
  approval_required!: boolean;
  /** Rules Cedar could not evaluate: a forbid among them denied, a permit permitted nothing. */
  evaluation_errors!: EvaluationErrorResponse[];
  /** The governing policy's form rules, so a portal can render the request form (null fields when denied). */
  purpose_justification_required!: boolean;
  purpose_justification_prompt!: string | null;
  max_duration_seconds!: number | null;
  default_duration_seconds!: number | null;
  /** Approval groups of the governing policy when it needs approval: approvals needed and members (lists resolved now). */
  approval_groups!: SimulationApprovalGroupResponse[];
}
