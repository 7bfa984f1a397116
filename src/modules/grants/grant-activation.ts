import { Injectable } from '@nestjs/common';
import type { Tx } from '@/infra/prisma/prisma.service';
import { DomainError, invalidState } from '@/common/errors/domain-error';
import type { Actor } from '@/modules/audit/audit-chain';
import { evaluationErrorsView } from '@/modules/decisions/decision.types';
import type { Decision } from '@/modules/decisions/decision.types';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import type { PendingEffects } from './grant-effects';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { GrantExtensions } from './grant-extensions.service';
import { decisionData } from './grant-requests.service';
import { GrantTransitions } from './grant-transitions';
import type { GrantRecord } from './grant.types';
import { GrantsRepository } from './grants.repository';

/** What the current policy set says about starting (round 0) or lengthening (round n) access once approved. */
export type ActivationVerdict = { allowed: true; decision: Decision; durationSeconds: number } | { allowed: false; decision: Decision | null; reason: string; notices: string[] };

/** The approved request or extension ended denied by the current policies: what the approver is told (409). */
export const deniedAtActivation = (verdict: Extract<ActivationVerdict, { allowed: false }>, status: string) =>
  new DomainError(
    'invalid_state',
    `The current policies deny this access, so it was not granted: ${verdict.reason}`,
    { status, reason: verdict.reason, ...(verdict.decision && { evaluation_errors: evaluationErrorsView(verdict.decision.evaluationErrors) }) },
    verdict.notices,
  );

/**
 * PRODUCT.md section 14: approval does not start or lengthen access by itself. The request (or extension) is
 * decided again against the policy set current at activation, with the duration it will get; if it is now
 * denied, it ends denied instead, with the reason and notices recorded.
 */
@Injectable()
export class GrantActivation {
  constructor(
    private readonly engine: PolicyEngine,
    private readonly grants: GrantsRepository,
    private readonly extensions: GrantExtensionsRepository,
    private readonly extensionService: GrantExtensions,
    private readonly transitions: GrantTransitions,
  ) {}

  /** The verdict for approval round `round` of `grant` (0: the request; n: its extension of round n). */
  async verdict(grant: GrantRecord, round: number, now = new Date()): Promise<ActivationVerdict> {
    try {
      if (round === 0) {
        const { decision, durationSeconds } = await this.engine.decide(grant.tenantId, {
          principal: grant.principal,
          action: grant.action,
          resource: grant.resource,
          context: grant.context,
          identity: grant.identity,
          durationSeconds: grant.durationSeconds,
          justification: grant.justification,
          requestedAt: grant.createdAt,
        });
        return this.judged(decision, durationSeconds);
      }
      const extension = grant.extensions.find((e) => e.round === round);
      if (!extension) throw invalidState('No extension of this round', { round });
      const { decision, durationSeconds } = await this.extensionService.decideExtension(grant, extension.addedSeconds, extension.justification, now);
      return this.judged(decision, durationSeconds);
    } catch (error) {
      // Over the current maximum, or a justification the current policy requires: not allowed now.
      if (error instanceof DomainError && error.code === 'invalid_input') return { allowed: false, decision: null, reason: error.message, notices: error.notices ?? [] };
      throw error;
    }
  }

  /**
   * Inside the approval's transaction (which holds the grant's access lock and row lock): activates the request or
   * applies the extension when `verdict` allows, else ends it denied.
   */
  async applyInTx(tx: Tx, grant: GrantRecord, round: number, verdict: ActivationVerdict, actor: Actor, data: Record<string, unknown>, now: Date): Promise<PendingEffects | null> {
    if (round === 0) {
      if (!verdict.allowed) {
        return this.transitions.applyInTx(tx, grant.tenantId, grant.id, {
          event: 'deny',
          actor,
          patch: { endedAt: now, endedReason: `denied by policy at activation: ${verdict.reason}` },
          data: { ...data, reason: verdict.reason, notices: verdict.notices, ...(verdict.decision && decisionData(verdict.decision, grant.durationSeconds)) },
        });
      }
      const { decision, durationSeconds } = verdict;
      return this.transitions.applyInTx(tx, grant.tenantId, grant.id, {
        event: 'approve',
        actor,
        patch: {
          activatedAt: now,
          expiresAt: new Date(now.getTime() + durationSeconds * 1000),
          determiningRuleIds: decision.determiningRuleIds,
          policySetVersion: decision.policySetVersion,
          auditSession: decision.auditSession,
        },
        data: { ...data, ...decisionData(decision, durationSeconds) },
      });
    }
    const extension = grant.extensions.find((e) => e.round === round);
    if (!extension) return null;
    if (!verdict.allowed) {
      if (!(await this.extensions.end(tx, grant.tenantId, extension.id, 'denied', now, `denied by policy: ${verdict.reason}`))) return null;
      const current = (await this.grants.find(grant.tenantId, grant.id, tx)) as GrantRecord;
      return this.transitions.recordEvent(tx, grant.tenantId, current, 'grant.extension_denied', actor, { ...data, round, reason: verdict.reason, notices: verdict.notices });
    }
    if (!(await this.extensions.end(tx, grant.tenantId, extension.id, 'approved', now, 'approved'))) return null;
    const extensionData = { ...data, round, added_seconds: extension.addedSeconds, ...decisionData(verdict.decision, verdict.durationSeconds) };
    return this.extensionService.applyInTx(tx, grant, extension.addedSeconds, verdict.decision, actor, extensionData);
  }

  /** Inside the approval's transaction: an approver denied the request (round 0) or the extension (round n). */
  async refuseInTx(tx: Tx, grant: GrantRecord, round: number, actor: Actor, data: Record<string, unknown>, now: Date): Promise<PendingEffects | null> {
    if (round === 0) {
      return this.transitions.applyInTx(tx, grant.tenantId, grant.id, { event: 'deny', actor, patch: { endedAt: now, endedReason: 'denied by approver' }, data });
    }
    const extension = grant.extensions.find((e) => e.round === round);
    if (!extension || !(await this.extensions.end(tx, grant.tenantId, extension.id, 'denied', now, 'denied by approver'))) return null;
    const current = (await this.grants.find(grant.tenantId, grant.id, tx)) as GrantRecord;
    return this.transitions.recordEvent(tx, grant.tenantId, current, 'grant.extension_denied', actor, { ...data, round, reason: 'denied by approver' });
  }

  private judged(decision: Decision, durationSeconds: number): ActivationVerdict {
    if (decision.decision === 'allow' && decision.policy) return { allowed: true, decision, durationSeconds };
    const reason = decision.notices[0] ?? (decision.determiningRuleIds.length > 0 ? `forbidden by rule ${decision.determiningRuleIds.join(', ')}` : 'no policy permits it any more');
    return { allowed: false, decision, reason, notices: decision.notices };
  }
}
