import type { EntityUid } from '@/infra/cedar/cedar-types';
import type { GrantStatus } from './grant-state';

import type { GrantApprovalGroup } from '@/modules/decisions/approval-groups';
import type { RequestIdentity } from '@/modules/decisions/person-entity';

export interface ApprovalRecord {
  approverEmail: string;
  decision: 'approve' | 'deny';
  comment: string | null;
  decidedAt: Date;
}

export const EXTENSION_STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'timed_out'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

/** A request to lengthen an active grant: round `round` of the grant's approvals (PRODUCT.md section 14). */
export interface ExtensionRecord {
  id: string;
  round: number;
  addedSeconds: number;
  status: ExtensionStatus;
  justification: string | null;
  approvalGroups: GrantApprovalGroup[];
  policyId: string | null;
  determiningRuleIds: string[];
  approvalDeadline: Date;
  createdAt: Date;
  endedAt: Date | null;
  endedReason: string | null;
  approvals: ApprovalRecord[];
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
  /** Decisions on the request (round 0). */
  approvals: ApprovalRecord[];
  /** Extensions asked for, oldest first. */
  extensions: ExtensionRecord[];
  /** The signed-in requester as their token said at the request; later decisions on the grant use it too. */
  identity?: RequestIdentity | null;
}

export type NewGrant = Omit<GrantRecord, 'id' | 'tenantId' | 'createdAt' | 'approvals' | 'extensions'> & { id: string; createdAt: Date };

export interface GrantFilters {
  /** Grants asked for by this email or for `User::"<email>"`. */
  ownedBy?: string;
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

/** The extension waiting for approval, if any: pending, and its grant still active and before its deadline. */
export function pendingExtension(grant: GrantRecord, now = new Date()): ExtensionRecord | null {
  if (grant.status !== 'active') return null;
  return grant.extensions.find((e) => e.status === 'pending' && e.approvalDeadline > now) ?? null;
}

/** The grant with its pending extensions ended as `status` (what a write in the same transaction just did). */
export function withPendingExtensionsEnded(grant: GrantRecord, status: Exclude<ExtensionStatus, 'pending' | 'approved'>, at: Date, reason: string): GrantRecord {
  return {
    ...grant,
    extensions: grant.extensions.map((e) => (e.status === 'pending' ? { ...e, status, endedAt: at, endedReason: reason } : e)),
  };
}
