import { ApiProperty } from '@nestjs/swagger';
import { EntityUidResponse } from '@/modules/entities/dto/entity.response';
import { GrantApprovalGroupResponse } from '@/modules/grants/dto/grant.response';
import type { BundleDiff, DiffEntry, ObjectKind } from '@/modules/policy-bundles/bundle-diff';
import type { DeniedGrant, Impact, TestResult } from '@/modules/policy-bundles/bundle-evaluation';
import type { ApplyView, PlanView } from '@/modules/policy-bundles/policy-bundles.service';

/** One expectation of the bundle's `tests`, run against the drafted policy set. */
export class TestResultResponse implements TestResult {
  name!: string;
  passed!: boolean;
  @ApiProperty({ enum: ['allow', 'deny'] })
  decision!: 'allow' | 'deny';
  approval_required!: boolean;
  /** The name of the policy that decided, if any. */
  policy!: string | null;
  notices!: string[];
}

/** An object the bundle adds, changes or removes. */
export class DiffEntryResponse implements DiffEntry {
  @ApiProperty({ enum: ['policy', 'email_list', 'notification_channel', 'entity', 'schema'] })
  kind!: ObjectKind;
  name!: string;
  /** For `changed`: the API names of the fields that change. */
  fields?: string[];
}

/** Objects added, changed and removed, by kind and name. */
export class BundleDiffResponse implements BundleDiff {
  added!: DiffEntryResponse[];
  changed!: DiffEntryResponse[];
  removed!: DiffEntryResponse[];
}

/** An active grant or pending request the bundle's policies would deny. */
export class DeniedGrantResponse implements DeniedGrant {
  grant_id!: string;
  principal!: EntityUidResponse;
  action!: EntityUidResponse;
  resource!: EntityUidResponse;
  determining_rule_ids!: string[];
  notices!: string[];
}

/** A pending request the bundle's policies would route to other approvers. */
export class ReroutedGrantResponse {
  grant_id!: string;
  approval_groups!: GrantApprovalGroupResponse[];
}

/** Active grants and pending requests the bundle would deny or route to other approvers. */
export class ImpactResponse implements Impact {
  active_denied!: DeniedGrantResponse[];
  pending_denied!: DeniedGrantResponse[];
  pending_rerouted!: ReroutedGrantResponse[];
}

/** The answer of POST /v1/policy-bundles/plan (PRODUCT.md section 17). */
export class PlanResponse implements PlanView {
  /** The live policy-set version the plan was made against: send it as If-Match to apply. */
  policy_set_version!: number;
  /** True when every expectation passed. */
  valid!: boolean;
  tests!: TestResultResponse[];
  diff!: BundleDiffResponse;
  impact!: ImpactResponse;
}

/** The answer of POST /v1/policy-bundles/apply: the plan, applied, with the new version. */
export class ApplyResponse extends PlanResponse implements ApplyView {
  @ApiProperty({ enum: [true] })
  applied!: true;
}

/** GET /v1/policy-bundles/current: the live state as a bundle (ETag: the policy-set version). */
export class BundleResponse {
  @ApiProperty({ enum: [1] })
  version!: 1;
  policies!: Record<string, unknown>[];
  email_lists!: Record<string, unknown>[];
  notification_channels!: Record<string, unknown>[];
  entities!: Record<string, unknown>[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The Cedar schema (JSON form), or null' })
  schema!: unknown;
  tests!: Record<string, unknown>[];
}
