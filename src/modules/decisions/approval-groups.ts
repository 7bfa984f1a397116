import { normalizeEmail } from '@/modules/email-lists/emails';
import type { ApprovalGroup } from './decision.types';

/** An approval group as a grant keeps it: the list members resolved when the request was made. */
export interface GrantApprovalGroup {
  approvals_needed: number;
  members: string[];
}

/** Who asked for a grant: named by `requester_email`, or by an email-looking principal id. */
export interface Requester {
  requesterEmail: string | null;
  principalId: string;
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;

/** The requester may never decide their own request (PRODUCT.md section 7). */
export function isSelf(requester: Requester, email: string): boolean {
  const candidate = normalizeEmail(email);
  if (requester.requesterEmail !== null && normalizeEmail(requester.requesterEmail) === candidate) return true;
  const principal = normalizeEmail(requester.principalId);
  return EMAIL_LIKE.test(principal) && principal === candidate;
}

/**
 * A policy's approval groups with their list members resolved (`lists`: members by list id), as a grant keeps
 * them: later list edits do not change who may approve a request already made.
 */
export function snapshotGroups(groups: ApprovalGroup[], lists: ReadonlyMap<string, string[]>): GrantApprovalGroup[] {
  return groups.map((group) => ({
    approvals_needed: group.approvals_needed,
    members: [...new Set([...group.email_addresses, ...(group.email_list_uuid ? lists.get(group.email_list_uuid) ?? [] : [])].map(normalizeEmail))].filter(
      (email) => email !== '',
    ),
  }));
}

/** A group that cannot be satisfied: fewer eligible members (the requester excluded) than approvals it needs. */
export interface UnsatisfiableGroup {
  index: number;
  approvalsNeeded: number;
  eligibleApprovers: number;
}

/** PRODUCT.md section 14: the groups nobody can satisfy for this requester (empty when all can be). */
export function unsatisfiableGroups(groups: GrantApprovalGroup[], requester: Requester): UnsatisfiableGroup[] {
  return groups
    .map((group, index) => ({ index, approvalsNeeded: group.approvals_needed, eligibleApprovers: group.members.filter((m) => !isSelf(requester, m)).length }))
    .filter((group) => group.eligibleApprovers < group.approvalsNeeded);
}

/** How many distinct people a group can draw on: its own addresses and its list's members. */
export function memberCount(group: ApprovalGroup, listEmails: readonly string[] = []): number {
  return new Set([...group.email_addresses, ...listEmails].map(normalizeEmail).filter((email) => email !== '')).size;
}
