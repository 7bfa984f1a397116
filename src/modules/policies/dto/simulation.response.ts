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
}
