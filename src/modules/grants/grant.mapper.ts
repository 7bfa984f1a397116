import { Prisma } from '@/generated/prisma/client';
import type { GrantStatus } from './grant-state';
import type { GrantApprovalGroup } from '@/modules/decisions/approval-groups';
import type { RequestIdentity } from '@/modules/decisions/person-entity';
import type { ApprovalRecord, ExtensionRecord, ExtensionStatus, GrantRecord } from './grant.types';

/** The grants row with what `withDetails` includes, as Prisma returns it. */
export interface GrantRow {
  id: string;
  tenantId: string;
  status: string;
  principalType: string;
  principalId: string;
  actionType: string;
  actionId: string;
  resourceType: string;
  resourceId: string;
  durationSeconds: number;
  justification: string | null;
  requesterEmail: string | null;
  context: unknown;
  policyId: string | null;
  determiningRuleIds: string[];
  notices: string[];
  auditSession: boolean;
  policySetVersion: bigint | null;
  approvalGroups: unknown;
  maxDurationSeconds: number | null;
  approvalDeadline: Date | null;
  createdAt: Date;
  activatedAt: Date | null;
  expiresAt: Date | null;
  endedAt: Date | null;
  endedReason: string | null;
  identity?: unknown;
  approvals?: { round: number; approverEmail: string; decision: string; comment: string | null; decidedAt: Date }[];
  extensions?: {
    id: string;
    round: number;
    addedSeconds: number;
    status: string;
    justification: string | null;
    approvalGroups: unknown;
    policyId: string | null;
    determiningRuleIds: string[];
    approvalDeadline: Date;
    createdAt: Date;
    endedAt: Date | null;
    endedReason: string | null;
  }[];
}

/** The grants columns as GrantRow names them, for raw statements that return whole rows (`RETURNING`). */
export const GRANT_ROW = Prisma.sql`id, tenant_id AS "tenantId", status, principal_type AS "principalType", principal_id AS "principalId",
  action_type AS "actionType", action_id AS "actionId", resource_type AS "resourceType", resource_id AS "resourceId",
  duration_seconds AS "durationSeconds", justification, requester_email AS "requesterEmail", context, policy_id AS "policyId",
  determining_rule_ids AS "determiningRuleIds", notices, audit_session AS "auditSession", policy_set_version AS "policySetVersion",
  approval_groups AS "approvalGroups", max_duration_seconds AS "maxDurationSeconds", approval_deadline AS "approvalDeadline",
  created_at AS "createdAt", activated_at AS "activatedAt", expires_at AS "expiresAt", ended_at AS "endedAt",
  ended_reason AS "endedReason", identity`;

/**
 * A grant's decisions and extensions as two JSON arrays named like GrantRow's (`approvalsJson`, `extensionsJson`), for
 * a raw statement over `grants` (a `RETURNING` list): the whole grant in the statement's own round trip.
 */
export const GRANT_DETAILS_JSON = Prisma.sql`
  (SELECT coalesce(json_agg(json_build_object('round', a.round, 'approverEmail', a.approver_email, 'decision', a.decision,
     'comment', a.comment, 'decidedAt', a.decided_at) ORDER BY a.decided_at), '[]'::json)
   FROM grant_approvals a WHERE a.grant_id = grants.id) AS "approvalsJson",
  (SELECT coalesce(json_agg(json_build_object('id', e.id, 'round', e.round, 'addedSeconds', e.added_seconds, 'status', e.status,
     'justification', e.justification, 'approvalGroups', e.approval_groups, 'policyId', e.policy_id,
     'determiningRuleIds', e.determining_rule_ids, 'approvalDeadline', e.approval_deadline, 'createdAt', e.created_at,
     'endedAt', e.ended_at, 'endedReason', e.ended_reason) ORDER BY e.round), '[]'::json)
   FROM grant_extensions e WHERE e.grant_id = grants.id) AS "extensionsJson"`;

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** What a statement with GRANT_DETAILS_JSON returns besides the grants columns. */
export interface GrantDetailsJson {
  approvalsJson: Json<NonNullable<GrantRow['approvals']>[number]>[];
  extensionsJson: Json<NonNullable<GrantRow['extensions']>[number]>[];
}

const date = (value: string): Date => new Date(value);
const dateOrNull = (value: string | null): Date | null => (value === null ? null : new Date(value));

/**
 * A row with GRANT_ROW and GRANT_DETAILS_JSON as a GrantRow (JSON timestamps back to Dates). It fills in the row it
 * is given, a fresh result row, instead of copying its 27 columns: passes map hundreds of them.
 */
export function withDetailsFromJson(row: GrantRow & GrantDetailsJson): GrantRow {
  row.approvals = row.approvalsJson.map((a) => ({ ...a, decidedAt: date(a.decidedAt) }));
  row.extensions = row.extensionsJson.map((e) => ({ ...e, approvalDeadline: date(e.approvalDeadline), createdAt: date(e.createdAt), endedAt: dateOrNull(e.endedAt) }));
  return row;
}

/** Include for reads that need the whole grant: decisions of every round and the extensions. */
export const withDetails = {
  approvals: { orderBy: { decidedAt: 'asc' as const } },
  extensions: { orderBy: { round: 'asc' as const } },
};

const approval = (a: NonNullable<GrantRow['approvals']>[number]): ApprovalRecord => ({
  approverEmail: a.approverEmail,
  decision: a.decision as ApprovalRecord['decision'],
  comment: a.comment,
  decidedAt: a.decidedAt,
});

/** Row to domain record: where the row shape and the grant meet. */
export function toGrantRecord(row: GrantRow): GrantRecord {
  const approvals = row.approvals ?? [];
  const extensions = (row.extensions ?? []).map(
    (e): ExtensionRecord => ({
      ...e,
      status: e.status as ExtensionStatus,
      approvalGroups: e.approvalGroups as GrantApprovalGroup[],
      approvals: approvals.filter((a) => a.round === e.round).map(approval),
    }),
  );
  return {
    id: row.id,
    tenantId: row.tenantId,
    status: row.status as GrantStatus,
    principal: { type: row.principalType, id: row.principalId },
    action: { type: row.actionType, id: row.actionId },
    resource: { type: row.resourceType, id: row.resourceId },
    durationSeconds: row.durationSeconds,
    justification: row.justification,
    requesterEmail: row.requesterEmail,
    context: row.context as Record<string, unknown>,
    policyId: row.policyId,
    determiningRuleIds: row.determiningRuleIds,
    notices: row.notices,
    auditSession: row.auditSession,
    policySetVersion: row.policySetVersion,
    approvalGroups: row.approvalGroups as GrantApprovalGroup[],
    maxDurationSeconds: row.maxDurationSeconds,
    approvalDeadline: row.approvalDeadline,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    expiresAt: row.expiresAt,
    endedAt: row.endedAt,
    endedReason: row.endedReason,
    approvals: approvals.filter((a) => a.round === 0).map(approval),
    extensions,
    identity: (row.identity ?? null) as RequestIdentity | null,
  };
}
