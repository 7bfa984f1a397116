import { ApprovalRecord, ExtensionRecord, GrantRecord, pendingExtension } from './grant.types';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

const approvalView = (a: ApprovalRecord) => ({
  approver_email: a.approverEmail,
  decision: a.decision,
  comment: a.comment,
  decided_at: a.decidedAt.toISOString(),
});

/** An extension as the API shows it; a pending one past its deadline shows as timed out. */
export function toExtensionView(extension: ExtensionRecord, now = new Date()) {
  const overdue = extension.status === 'pending' && extension.approvalDeadline <= now;
  return {
    id: extension.id,
    round: extension.round,
    added_seconds: extension.addedSeconds,
    status: overdue ? 'timed_out' : extension.status,
    justification: extension.justification,
    approval_groups: extension.approvalGroups,
    policy_id: extension.policyId,
    determining_rule_ids: extension.determiningRuleIds,
    approval_deadline: extension.approvalDeadline.toISOString(),
    requested_at: extension.createdAt.toISOString(),
    ended_at: iso(extension.endedAt),
    ended_reason: extension.endedReason,
    approvals: extension.approvals.map(approvalView),
  };
}

/** PRODUCT.md section 6: the grant as the API shows it. */
export function toGrantView(grant: GrantRecord, now = new Date()) {
  const pending = pendingExtension(grant, now);
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
    approvals: grant.approvals.map(approvalView),
    approval_deadline: iso(grant.approvalDeadline),
    created_at: grant.createdAt.toISOString(),
    activated_at: iso(grant.activatedAt),
    expires_at: iso(grant.expiresAt),
    ended_at: iso(grant.endedAt),
    ended_reason: grant.endedReason,
    pending_extension: pending ? toExtensionView(pending, now) : null,
    extensions: grant.extensions.map((e) => toExtensionView(e, now)),
  };
}

export type GrantView = ReturnType<typeof toGrantView>;
