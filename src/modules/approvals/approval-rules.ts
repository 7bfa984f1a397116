import { normalizeEmail } from '@/modules/email-lists/emails';
import { GrantApprovalGroup, isSelf } from '@/modules/decisions/approval-groups';


export const DECISIONS = ['approve', 'deny'] as const;
export type ApprovalDecision = (typeof DECISIONS)[number];

export type ApprovalOutcome = 'self_approval' | 'not_a_member' | 'not_pending' | 'already_decided' | 'recorded' | 'approved' | 'denied';

export interface PriorDecision {
  approverEmail: string;
  decision: ApprovalDecision;
}

/** One round of approvals: the request (round 0) or an extension of the grant. */
export interface ApprovalCase {
  /** `pending_approval` while the round waits for decisions; otherwise what it became (for messages). */
  status: string;
  groups: GrantApprovalGroup[];
  requesterEmail: string | null;
  principalId: string;
  approvals: PriorDecision[];
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
