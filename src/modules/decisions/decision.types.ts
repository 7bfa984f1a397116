import type { EntityUid } from '@/infra/cedar/cedar-types';
import type { RequestIdentity } from './person-entity';

export interface EvaluationRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  /** Already holds `duration_seconds`, `justification` and `requested_at` next to the caller's own keys. */
  context: Record<string, unknown>;
  /** The signed-in requester: when the principal is `User::"<their email>"`, the token's attributes and groups apply. */
  identity?: RequestIdentity | null;
}

export interface ApprovalGroup {
  approvals_needed: number;
  email_addresses: string[];
  email_list_uuid: string | null;
}

/** The settings of the policy that governs an allowed request (PRODUCT.md section 5). */
export interface GoverningPolicy {
  id: string;
  name: string;
  maxDurationSeconds: number;
  defaultDurationSeconds: number | null;
  notificationChannel: string | null;
  approvalRequired: boolean;
  approvalGroups: ApprovalGroup[];
  purposeJustificationRequired: boolean;
  purposeJustificationPrompt: string | null;
  approvalTimeoutSeconds: number;
}

export interface Decision {
  decision: 'allow' | 'deny';
  /** Governing policy when allowed; null when denied. */
  policy: GoverningPolicy | null;
  /** Rule ids that decided (the determining permits of the governing policy, or the determining forbids). */
  determiningRuleIds: string[];
  /** `notice` texts of the determining rules (for a deny: of the forbids). */
  notices: string[];
  /** True when a determining rule of the governing policy has audit_session. */
  auditSession: boolean;
  /** The tenant's policy-set version that decided (TenantState.policyVersion). */
  policySetVersion: bigint;
  /**
   * Rules Cedar could not evaluate in the tiers that were evaluated (PRODUCT.md section 14): a forbid among them
   * counted as satisfied, a permit as not satisfied. Their notices are in `notices` too.
   */
  evaluationErrors: EvaluationError[];
}

/** A rule whose evaluation errored (a type error, a missing attribute, a bad extension-function argument). */
export interface EvaluationError {
  ruleId: string;
  policyId: string | null;
  effect: 'permit' | 'forbid' | null;
  message: string;
}

/** The API form of evaluation errors (`details.evaluation_errors`, simulate, audit data). */
export const evaluationErrorsView = (errors: EvaluationError[]) =>
  errors.map((e) => ({ rule_id: e.ruleId, policy_id: e.policyId, effect: e.effect, message: e.message }));
