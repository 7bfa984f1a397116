import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import type { AuthContext } from '@/common/auth/roles';
import { conflict, DomainError, invalidState, notFound } from '@/common/errors/domain-error';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { keyActor } from '@/modules/audit/actors';
import { GrantEffects } from '@/modules/grants/grant-effects';
import type { GrantEvent } from '@/modules/grants/grant-state';
import { GrantTransitions } from '@/modules/grants/grant-transitions';
import { GrantRecord, GrantView, toGrantView } from '@/modules/grants/grant.types';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { ApprovalCase, ApprovalDecision, ApprovalOutcome, decideApproval, normalizeEmail } from './approval-rules';
import { ApprovalsRepository } from './approvals.repository';
import { CreateApprovalDto } from './dto/create-approval.dto';

export interface DecisionInput {
  approverEmail: string;
  decision: ApprovalDecision;
  comment: string | null;
}

export interface DecisionResult {
  grant: GrantRecord;
  outcome: 'recorded' | 'approved' | 'denied';
}

/** A personal link that was used or expired between opening and deciding. */
export class LinkUnusableError extends DomainError {
  constructor() {
    super('invalid_state', 'This link has already been used or has expired');
  }
}

/** A pending request past its deadline is treated as timed out even before the timeout job has run. */
export function approvalCase(grant: GrantRecord, now: Date): ApprovalCase {
  const overdue = grant.status === 'pending_approval' && grant.approvalDeadline !== null && grant.approvalDeadline <= now;
  return {
    status: overdue ? 'timed_out' : grant.status,
    groups: grant.approvalGroups,
    requesterEmail: grant.requesterEmail,
    principalId: grant.principal.id,
    approvals: grant.approvals,
  };
}

export function refusal(outcome: ApprovalOutcome, approverEmail: string, status: string): DomainError | null {
  switch (outcome) {
    case 'self_approval':
      return new DomainError('forbidden', 'The requester cannot approve or deny their own request');
    case 'not_a_member':
      return new DomainError('forbidden', `${approverEmail} is not an approver of this request`);
    case 'not_pending':
      return invalidState(`The request is ${status}, no longer waiting for approval`, { status });
    case 'already_decided':
      return conflict(`${approverEmail} has already decided on this request`);
    default:
      return null;
  }
}

@Injectable()
export class ApprovalsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly approvals: ApprovalsRepository,
    private readonly grants: GrantsRepository,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly audit: AuditRepository,
  ) {}

  /** The API path: an approver or admin key records a decision on behalf of `approver_email`. */
  async decideByKey(auth: AuthContext, grantId: string, dto: CreateApprovalDto): Promise<GrantView> {
    const input = { approverEmail: dto.approver_email, decision: dto.decision, comment: dto.comment ?? null };
    const { grant } = await this.decide(auth.tenantId, grantId, input, keyActor(auth));
    return toGrantView(grant);
  }

  /**
   * Records one decision and, when it completes or denies the request, moves the grant in the same transaction.
   * The grant's row lock orders concurrent decisions, so exactly one of them can activate it. With `tokenId` the
   * personal link is used up in the same transaction: a refused decision leaves it usable.
   */
  async decide(tenantId: string, grantId: string, input: DecisionInput, actor: Actor, tokenId?: string): Promise<DecisionResult> {
    const approverEmail = normalizeEmail(input.approverEmail);
    const now = new Date();
    const result = await this.prisma.$transaction(
      async (tx) => {
        if (!(await this.approvals.lockGrant(tx, tenantId, grantId))) throw notFound('Grant');
        if (tokenId !== undefined && !(await this.approvals.consumeToken(tx, tenantId, tokenId, now))) throw new LinkUnusableError();
        const current = (await this.grants.find(tenantId, grantId, tx)) as GrantRecord;
        const request = approvalCase(current, now);
        const outcome = decideApproval(request, { approverEmail, decision: input.decision });
        const refused = refusal(outcome, approverEmail, request.status);
        if (refused) throw refused;
        await this.approvals.insertDecision(tx, tenantId, { grantId, approverEmail, decision: input.decision, comment: input.comment, decidedAt: now });
        await this.audit.append(tx, tenantId, {
          actor,
          action: 'approval.recorded',
          targetType: 'grant',
          targetId: grantId,
          data: { approver_email: approverEmail, decision: input.decision, comment: input.comment, outcome },
        });
        if (outcome === 'recorded') return { grant: (await this.grants.find(tenantId, grantId, tx)) as GrantRecord, outcome, change: null };
        const event: GrantEvent = outcome === 'approved' ? 'approve' : 'deny';
        const patch =
          event === 'approve'
            ? { activatedAt: now, expiresAt: new Date(now.getTime() + current.durationSeconds * 1000) }
            : { endedAt: now, endedReason: 'denied by approver' };
        const moved = await this.transitions.applyInTx(tx, tenantId, grantId, { event, actor, patch, data: { approver_email: approverEmail } });
        if (!moved) throw invalidState('The request changed while deciding', { status: current.status });
        return { grant: moved.grant, outcome: outcome as DecisionResult['outcome'], change: moved };
      },
      // Decisions on one grant queue on its row lock by design: allow for the wait.
      { maxWait: 10_000, timeout: 20_000 },
    );
    if (result.change) await this.effects.committed([result.change]);
    return { grant: result.grant, outcome: result.outcome };
  }
}
