import type { GrantStatus } from '@/modules/grants/grant-state';
import type { GrantApprovalGroup } from '@/modules/grants/grant.types';

export const DECISIONS = ['approve', 'deny'] as const;
export type ApprovalDecision = (typeof DECISIONS)[number];

export type ApprovalOutcome = 'self_approval' | 'not_a_member' | 'not_pending' | 'already_decided' | 'recorded' | 'approved' | 'denied';

export interface PriorDecision {
  approverEmail: string;
  decision: ApprovalDecision;
}

export interface ApprovalCase {
  status: GrantStatus;
  groups: GrantApprovalGroup[];
  requesterEmail: string | null;
  principalId: string;
  approvals: PriorDecision[];
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;

/** The requester, named by `requester_email` or by an email-looking principal id, may never decide their own request. */
export function isSelf(request: Pick<ApprovalCase, 'requesterEmail' | 'principalId'>, approverEmail: string): boolean {
  const approver = normalizeEmail(approverEmail);
  if (request.requesterEmail !== null && normalizeEmail(request.requesterEmail) === approver) return true;
  const principal = normalizeEmail(request.principalId);
  return EMAIL_LIKE.test(principal) && principal === approver;
}

export const isMember = (groups: GrantApprovalGroup[], approverEmail: string): boolean =>
  groups.some((group) => group.members.some((member) => normalizeEmail(member) === normalizeEmail(approverEmail)));

/**
 * Whether this approver may decide now, before anything is recorded: who they are is checked before the state, so
 * a refused person learns nothing from a different answer once the request has moved on.
 */
export function eligibility(request: ApprovalCase, approverEmail: string): 'self_approval' | 'not_a_member' | 'not_pending' | 'already_decided' | 'eligible' {
  if (isSelf(request, approverEmail)) return 'self_approval';
  if (!isMember(request.groups, approverEmail)) return 'not_a_member';
  if (request.status !== 'pending_approval') return 'not_pending';
  const approver = normalizeEmail(approverEmail);
  if (request.approvals.some((a) => normalizeEmail(a.approverEmail) === approver)) return 'already_decided';
  return 'eligible';
}

export interface GroupProgress {
  approvalsNeeded: number;
  approvedBy: string[];
  satisfied: boolean;
}

/** Each group counts the distinct members of that group who approved. */
export function groupProgress(groups: GrantApprovalGroup[], approvals: PriorDecision[]): GroupProgress[] {
  const approvers = new Set(approvals.filter((a) => a.decision === 'approve').map((a) => normalizeEmail(a.approverEmail)));
  return groups.map((group) => {
    const approvedBy = [...new Set(group.members.map(normalizeEmail))].filter((member) => approvers.has(member));
    return { approvalsNeeded: group.approvals_needed, approvedBy, satisfied: approvedBy.length >= group.approvals_needed };
  });
}

/** What a new decision does to a request: a refusal, or the request's state once the decision is recorded. */
export function decideApproval(request: ApprovalCase, decision: PriorDecision): ApprovalOutcome {
  const eligible = eligibility(request, decision.approverEmail);
  if (eligible !== 'eligible') return eligible;
  if (decision.decision === 'deny') return 'denied';
  const after = [...request.approvals, { approverEmail: normalizeEmail(decision.approverEmail), decision: decision.decision }];
  const progress = groupProgress(request.groups, after);
  return progress.length > 0 && progress.every((group) => group.satisfied) ? 'approved' : 'recorded';
}
