import { Injectable } from '@nestjs/common';
import { allowLongTransaction, PrismaService } from '@/infra/prisma/prisma.service';

const DECISION_TRANSACTION_MS = 20_000;
import type { AuthContext } from '@/common/auth/roles';
import { conflict, DomainError, invalidState, notFound } from '@/common/errors/domain-error';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { keyActor } from '@/modules/audit/actors';
import { assertCurrent, StalePolicySet, withCurrentDecision } from '@/modules/decisions/current-decision';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import { normalizeEmail } from '@/modules/email-lists/emails';
import { ActivationVerdict, deniedAtActivation, GrantActivation } from '@/modules/grants/grant-activation';
import { GrantApprovalsRepository } from '@/modules/grants/grant-approvals.repository';
import { GrantEffects, PendingEffects } from '@/modules/grants/grant-effects';
import { GrantView, toGrantView } from '@/modules/grants/grant-view';
import { GrantRecord, pendingExtension } from '@/modules/grants/grant.types';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { bindApprover } from '@/modules/grants/requester-binding';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { ApprovalCase, ApprovalDecision, ApprovalOutcome, decideApproval } from './approval-rules';
import { ApprovalTokensRepository } from './approval-tokens.repository';
import { CreateApprovalDto } from './dto/create-approval.dto';

export interface DecisionInput {
  approverEmail: string;
  decision: ApprovalDecision;
  comment: string | null;
}

export interface DecisionResult {
  grant: GrantRecord;
  outcome: 'recorded' | 'approved' | 'denied';
  /** The approval round decided: 0 for the request, n for the grant's extension of round n. */
  round: number;
}

/** A personal link that was used or expired between opening and deciding, or belongs to an earlier round. */
export class LinkUnusableError extends DomainError {
  constructor() {
    super('invalid_state', 'This link has already been used or has expired');
  }
}

/** The round an approver decides now: the pending request, else the active grant's pending extension, else 0. */
export function currentRound(grant: GrantRecord, now: Date): number {
  if (grant.status === 'pending_approval') return 0;
  return pendingExtension(grant, now)?.round ?? 0;
}

/** Approval round `round` of the grant as the pure rules see it; an overdue round counts as timed out. */
export function approvalCase(grant: GrantRecord, now: Date, round = 0): ApprovalCase {
  const self = { requesterEmail: grant.requesterEmail, principalId: grant.principal.id };
  if (round > 0) {
    const extension = grant.extensions.find((e) => e.round === round);
    const waiting = extension !== undefined && grant.status === 'active' && extension.status === 'pending' && extension.approvalDeadline > now;
    const status = waiting ? 'pending_approval' : extension?.status === 'pending' ? 'timed_out' : (extension?.status ?? 'unknown');
    return { ...self, status, groups: extension?.approvalGroups ?? [], approvals: extension?.approvals ?? [] };
  }
  const overdue = grant.status === 'pending_approval' && grant.approvalDeadline !== null && grant.approvalDeadline <= now;
  return { ...self, status: overdue ? 'timed_out' : grant.status, groups: grant.approvalGroups, approvals: grant.approvals };
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

/** The approval that completes a round was not expected when its verdict was computed: compute it and try again. */
class VerdictNeeded extends StalePolicySet {}

/**
 * Approvers' decisions, by the same rules for the API and the personal links (PRODUCT.md section 7), on a request
 * or on a pending extension of an active grant. The decision that completes a round is decided again by Cedar
 * against the current policy set before access starts or lengthens (section 14).
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: ApprovalTokensRepository,
    private readonly decisions: GrantApprovalsRepository,
    private readonly grants: GrantsRepository,
    private readonly activation: GrantActivation,
    private readonly effects: GrantEffects,
    private readonly audit: AuditRepository,
    private readonly state: TenantStateRepository,
    private readonly engine: PolicyEngine,
  ) {}

  /**
   * The API path: a person decides as themselves, a bound key as its subject, a service key on behalf of
   * `approver_email` (audited with the key id and that email).
   */
  async decideByKey(auth: AuthContext, grantId: string, dto: CreateApprovalDto): Promise<GrantView> {
    const approverEmail = bindApprover(auth, dto.approver_email);
    const input = { approverEmail, decision: dto.decision, comment: dto.comment ?? null };
    const { grant } = await this.decide(auth.tenantId, grantId, input, keyActor(auth, approverEmail));
    return toGrantView(grant);
  }

  /**
   * Records one decision and, when it completes or denies the round, acts on it in the same transaction: the
   * grant's access lock and row lock order concurrent decisions, so exactly one of them can activate it. With a
   * personal link (`token`), the link is used up in the same transaction and must belong to the round decided; a
   * refused decision leaves it usable. An approval the current policies no longer allow ends the round denied and
   * answers `409 invalid_state` with the reason.
   */
  async decide(tenantId: string, grantId: string, input: DecisionInput, actor: Actor, token?: { id: string; round: number }): Promise<DecisionResult> {
    const result = await withCurrentDecision(() => this.attempt(tenantId, grantId, input, actor, token), (id) => this.engine.invalidate(id));
    if (result.change) await this.effects.committed([result.change]);
    if (result.refused) throw result.refused;
    return { grant: result.grant, outcome: result.outcome, round: result.round };
  }

  private async attempt(tenantId: string, grantId: string, input: DecisionInput, actor: Actor, token?: { id: string; round: number }) {
    const approverEmail = normalizeEmail(input.approverEmail);
    const now = new Date();
    const seen = await this.grants.find(tenantId, grantId);
    if (!seen) throw notFound('Grant');
    const round = token?.round ?? currentRound(seen, now);
    // Cedar is asked before the transaction, when this decision would complete the round as the grant was read.
    const expected = decideApproval(approvalCase(seen, now, round), { approverEmail, decision: input.decision });
    const verdict: ActivationVerdict | null = expected === 'approved' ? await this.activation.verdict(seen, round, now) : null;
    return this.prisma.$transaction(
      async (tx) => {
        await allowLongTransaction(tx, DECISION_TRANSACTION_MS);
        await this.grants.lockAccess(tx, tenantId, [seen]);
        const counters = await this.state.lockShared(tx, tenantId);
        if (verdict?.decision) assertCurrent(tenantId, verdict.decision, counters.policyVersion);
        if (!(await this.grants.lockStatus(tx, tenantId, grantId))) throw notFound('Grant');
        if (token !== undefined && !(await this.tokens.consumeToken(tx, tenantId, token.id, round, now))) throw new LinkUnusableError();
        const current = (await this.grants.find(tenantId, grantId, tx)) as GrantRecord;
        const request = approvalCase(current, now, round);
        const outcome = decideApproval(request, { approverEmail, decision: input.decision });
        const refused = refusal(outcome, approverEmail, request.status);
        if (refused) throw refused;
        if (outcome === 'approved' && verdict === null) throw new VerdictNeeded(tenantId);
        await this.decisions.insert(tx, tenantId, { grantId, round, approverEmail, decision: input.decision, comment: input.comment, decidedAt: now });
        await this.audit.append(tx, tenantId, {
          actor,
          action: 'approval.recorded',
          targetType: 'grant',
          targetId: grantId,
          data: { approver_email: approverEmail, decision: input.decision, comment: input.comment, outcome, round },
        });
        const decided = outcome === 'recorded' ? null : await this.act(tx, current, round, outcome, verdict, actor, approverEmail, now);
        if (outcome !== 'recorded' && !decided) throw invalidState('The request changed while deciding', { status: current.status });
        const grant = decided?.grant ?? ((await this.grants.find(tenantId, grantId, tx)) as GrantRecord);
        const refusedByPolicy = verdict && !verdict.allowed && outcome === 'approved' ? deniedAtActivation(verdict, round === 0 ? grant.status : 'denied') : null;
        return { grant, outcome: outcome as DecisionResult['outcome'], round, change: decided, refused: refusedByPolicy };
      },
      // Decisions on one grant queue on its locks by design: allow for the wait.
      { maxWait: 10_000, timeout: DECISION_TRANSACTION_MS },
    );
  }

  private act(tx: Parameters<GrantActivation['applyInTx']>[0], grant: GrantRecord, round: number, outcome: ApprovalOutcome, verdict: ActivationVerdict | null, actor: Actor, approverEmail: string, now: Date): Promise<PendingEffects | null> {
    const data = { approver_email: approverEmail };
    if (outcome === 'approved' && verdict) return this.activation.applyInTx(tx, grant, round, verdict, actor, data, now);
    return this.activation.refuseInTx(tx, grant, round, actor, data, now);
  }
}
