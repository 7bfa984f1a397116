import type { EntityUid } from '@/infra/cedar/cedar-types';
import type { GrantStatus } from './grant-state';

/** Approval group as snapshotted on the grant: the list members resolved when the request was made. */
export interface GrantApprovalGroup {
  approvals_needed: number;
  members: string[];
}

export interface ApprovalRecord {
  approverEmail: string;
  decision: 'approve' | 'deny';
  comment: string | null;
  decidedAt: Date;
}

export interface GrantRecord {
  id: string;
  tenantId: string;
  status: GrantStatus;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  durationSeconds: number;
  justification: string | null;
  requesterEmail: string | null;
  context: Record<string, unknown>;
  policyId: string | null;
  determiningRuleIds: string[];
  notices: string[];
  auditSession: boolean;
  policySetVersion: bigint | null;
  approvalGroups: GrantApprovalGroup[];
  maxDurationSeconds: number | null;
  approvalDeadline: Date | null;
  createdAt: Date;
  activatedAt: Date | null;
  expiresAt: Date | null;
  endedAt: Date | null;
  endedReason: string | null;
  approvals: ApprovalRecord[];
}

export type NewGrant = Omit<GrantRecord, 'id' | 'tenantId' | 'createdAt' | 'approvals'> & { id: string; createdAt: Date };

export interface GrantFilters {
  principalType?: string;
  principalId?: string;
  actionId?: string;
  resourceType?: string;
  resourceId?: string;
  status?: GrantStatus;
  policyId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  expiresAfter?: Date;
  expiresBefore?: Date;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toGrantView(grant: GrantRecord) {
  return {
    id: grant.id,
    status: grant.status,
    principal: grant.principal,
    action: grant.action,
    resource: grant.resource,
    duration_seconds: grant.durationSeconds,
    justification: grant.justification,
    requester_email: grant.requesterEmail,
    context: grant.context,
    policy_id: grant.policyId,
    determining_rule_ids: grant.determiningRuleIds,
    notices: grant.notices,
    audit_session: grant.auditSession,
    policy_set_version: grant.policySetVersion === null ? null : Number(grant.policySetVersion),
    approvals: grant.approvals.map((a) => ({
      approver_email: a.approverEmail,
      decision: a.decision,
      comment: a.comment,
      decided_at: a.decidedAt.toISOString(),
    })),
    approval_deadline: iso(grant.approvalDeadline),
    created_at: grant.createdAt.toISOString(),
    activated_at: iso(grant.activatedAt),
    expires_at: iso(grant.expiresAt),
    ended_at: iso(grant.endedAt),
    ended_reason: grant.endedReason,
  };
}

export type GrantView = ReturnType<typeof toGrantView>;
