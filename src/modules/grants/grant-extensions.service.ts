import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { AuthContext, hasRole } from '@/common/auth/roles';
import { assertMayActOn } from './requester-binding';
import { conflict, invalidInput, invalidState, notFound } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { keyActor, systemActor } from '@/modules/audit/actors';
import { assertCurrent, withCurrentDecision } from '@/modules/decisions/current-decision';
import type { Decision } from '@/modules/decisions/decision.types';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import type { RequestDecision } from '@/modules/decisions/request-decision';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { GrantEffects, PendingEffects } from './grant-effects';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { accessDenied, decisionData, GrantRequests } from './grant-requests.service';
import { GrantTransitions } from './grant-transitions';
import { GrantView, toGrantView } from './grant-view';
import { GrantRecord, pendingExtension } from './grant.types';
import { GrantsRepository } from './grants.repository';
import { ExtendGrantDto } from './dto/grant-actions.dto';

/** How an extension request ended: applied at once, or waiting for the grant's approvers. */
export interface ExtensionOutcome {
  grant: GrantView;
  pending: boolean;
}

/**
 * A grant past its `expires_at` has ended (access checks already say no) even before the expiry pass marks it:
 * `409 invalid_state` with status `expired`, so that an extension cannot bring it back.
 */
function refuseIfExpired(expiresAt: Date, now: Date): void {
  if (expiresAt <= now) throw invalidState(`The grant expired at ${expiresAt.toISOString()}: extend is not possible`, { status: 'expired' });
}

/**
 * PRODUCT.md section 14: an extension lengthens access, so Cedar decides it with the new total duration and
 * `context.extension: true`. When the governing policy requires approval and the caller is not an admin, it waits
 * as a pending extension (approval round n of the grant) until the grant's approval groups approve it; only then,
 * decided again against the policy set current at that moment, does `expires_at` move.
 */
@Injectable()
export class GrantExtensions {
  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly extensions: GrantExtensionsRepository,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly engine: PolicyEngine,
    private readonly state: TenantStateRepository,
    private readonly requests: GrantRequests,
  ) {}

  async extend(auth: AuthContext, id: string, dto: ExtendGrantDto): Promise<ExtensionOutcome> {
    const result = await withCurrentDecision(() => this.attempt(auth, id, dto), (tenantId) => this.engine.invalidate(tenantId));
    await this.effects.committed(result.changes);
    if (result.denied) throw result.denied;
    return { grant: toGrantView(result.grant), pending: result.pending };
  }

  /**
   * Decides an extension (new total `total` seconds) as it stands now. `maximum`: the lower of the grant's maximum
   * at request time and the governing policy's; above it is `400 invalid_input`.
   */
  async decideExtension(grant: GrantRecord, addedSeconds: number, justification: string | null, now: Date): Promise<RequestDecision> {
    const total = grant.durationSeconds + addedSeconds;
    const decided = await this.engine.decide(grant.tenantId, {
      principal: grant.principal,
      action: grant.action,
      resource: grant.resource,
      context: grant.context,
      identity: grant.identity,
      durationSeconds: total,
      justification: justification ?? grant.justification,
      requestedAt: now,
      extension: true,
      enforceMaximum: false,
    });
    const policy = decided.decision.policy;
    const maximum = policy ? Math.min(grant.maxDurationSeconds ?? policy.maxDurationSeconds, policy.maxDurationSeconds) : null;
    if (decided.decision.decision === 'allow' && maximum !== null && total > maximum) {
      throw invalidInput(`The total duration would exceed the policy maximum of ${maximum}`, {
        field: 'duration_seconds',
        max_duration_seconds: maximum,
        remaining_seconds: Math.max(0, maximum - grant.durationSeconds),
      });
    }
    return decided;
  }

  private async attempt(auth: AuthContext, id: string, dto: ExtendGrantDto) {
    const current = await this.grants.find(auth.tenantId, id);
    if (!current) throw notFound('Grant');
    assertMayActOn(auth, current);
    const expiresAt = current.expiresAt;
    if (current.status !== 'active' || !expiresAt) throw invalidState(`The grant is ${current.status}: extend is not possible`, { status: current.status });
    const now = new Date();
    refuseIfExpired(expiresAt, now);
    if (pendingExtension(current)) throw conflict('An extension of this grant is already waiting for approval', { field: 'duration_seconds' });
    const justification = dto.justification ?? null;
    const { decision, durationSeconds } = await this.decideExtension(current, dto.duration_seconds, justification, now);
    const actor = keyActor(auth);
    const needsApproval = decision.decision === 'allow' && decision.policy?.approvalRequired === true && !hasRole(auth, 'admin');
    const groups = needsApproval && decision.policy ? await this.groupsFor(current, decision) : [];
    return this.prisma.$transaction(async (tx) => {
      // The triple's access lock first (the order approvals take it), as an expiry pass takes it before its UPDATE:
      // a pass under way ends the grant before this reads it, else it waits and sees what this adds.
      await this.grants.lockAccess(tx, auth.tenantId, [current]);
      assertCurrent(auth.tenantId, decision, (await this.state.lockShared(tx, auth.tenantId)).policyVersion);
      // Cedar took time: a grant that reached its expires_at meanwhile is over, whatever its row says yet.
      refuseIfExpired(expiresAt, new Date());
      const data = { added_seconds: dto.duration_seconds, justification, ...decisionData(decision, durationSeconds) };
      if (decision.decision === 'deny') {
        const change = await this.transitions.recordEvent(tx, auth.tenantId, current, 'grant.extension_denied', actor, { ...data, reason: 'denied by policy' });
        return { grant: current, pending: false, changes: [change], denied: accessDenied(decision, { grant_id: id }) };
      }
      if (needsApproval && decision.policy) {
        // Under the row lock: the grant as it is now, not as read before Cedar (a pass or another request may be done).
        const locked = await this.grants.lockStatus(tx, auth.tenantId, id);
        const fresh = locked && (await this.grants.find(auth.tenantId, id, tx));
        if (fresh?.status !== 'active') throw invalidState(`The grant is ${fresh?.status ?? 'gone'}: extend is not possible`, { status: fresh?.status ?? null });
        if (pendingExtension(fresh)) throw conflict('An extension of this grant is already waiting for approval', { field: 'duration_seconds' });
        const round = await this.extensions.nextRound(tx, auth.tenantId, id);
        const deadline = new Date(Math.min(expiresAt.getTime(), now.getTime() + decision.policy.approvalTimeoutSeconds * 1000));
        await this.extensions.create(tx, auth.tenantId, {
          id: randomUUID(),
          grantId: id,
          round,
          addedSeconds: dto.duration_seconds,
          justification,
          approvalGroups: groups,
          policyId: decision.policy.id,
          determiningRuleIds: decision.determiningRuleIds,
          approvalDeadline: deadline,
          createdAt: now,
        });
        const grant = (await this.grants.find(auth.tenantId, id, tx)) as GrantRecord;
        const change = await this.transitions.recordEvent(tx, auth.tenantId, grant, 'grant.extension_requested', actor, { ...data, round });
        return { grant, pending: true, changes: [change], denied: null };
      }
      const change = await this.applyInTx(tx, current, dto.duration_seconds, decision, actor, data);
      if (!change) throw invalidState('The grant changed while extending it', { status: current.status });
      return { grant: change.grant, pending: false, changes: [change], denied: null };
    });
  }

  /** Moves `expires_at` by `addedSeconds` (compare-and-set on the expiry the decision saw), with its provenance. */
  applyInTx(tx: Tx, grant: GrantRecord, addedSeconds: number, decision: Decision, actor: Actor, data: Record<string, unknown>): Promise<PendingEffects | null> {
    if (!grant.expiresAt) return Promise.resolve(null);
    const expiresAt = new Date(grant.expiresAt.getTime() + addedSeconds * 1000);
    return this.transitions.applyInTx(tx, grant.tenantId, grant.id, {
      event: 'extend',
      actor,
      patch: { durationSeconds: grant.durationSeconds + addedSeconds, expiresAt, auditSession: decision.auditSession || grant.auditSession },
      expect: { expiresAt: grant.expiresAt },
      data: { ...data, expires_at: expiresAt.toISOString() },
    });
  }

  /** The grant's own approval groups; a grant that had none takes the governing policy's, snapshotted now. */
  private async groupsFor(grant: GrantRecord, decision: Decision) {
    if (grant.approvalGroups.length > 0 || !decision.policy) return grant.approvalGroups;
    return this.requests.approvalGroupsFor(grant.tenantId, decision.policy, { requesterEmail: grant.requesterEmail, principalId: grant.principal.id });
  }

  /** Sweeper: pending extensions past their deadline end `timed_out`, each with its event. */
  async timeOutOverdue(now = new Date()): Promise<number> {
    let ended = 0;
    for (const overdue of await this.extensions.findOverdue(now, 500)) {
      const change = await this.prisma.$transaction(async (tx) => {
        if (!(await this.extensions.end(tx, overdue.tenantId, overdue.id, 'timed_out', now, 'approval timed out'))) return null;
        const grant = (await this.grants.find(overdue.tenantId, overdue.grantId, tx)) as GrantRecord;
        return this.transitions.recordEvent(tx, overdue.tenantId, grant, 'grant.extension_timed_out', systemActor, { round: overdue.round });
      });
      if (change) {
        ended += 1;
        await this.effects.committed([change]);
      }
    }
    return ended;
  }
}
