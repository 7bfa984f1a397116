import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@/common/auth/roles';
import { conflict, DomainError, ErrorBody, invalidInput } from '@/common/errors/domain-error';
import { canonicalJson } from '@/modules/audit/audit-chain';
import { keyActor } from '@/modules/audit/actors';
import { AuditChainer } from '@/modules/audit/audit-chainer';
import { StalePolicySet, withCurrentDecision } from '@/modules/decisions/current-decision';
import { evaluationErrorsView, GoverningPolicy } from '@/modules/decisions/decision.types';
import type { Decision } from '@/modules/decisions/decision.types';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import { EmailListsService } from '@/modules/email-lists/email-lists.service';
import { GrantApprovalGroup, snapshotGroups, unsatisfiableGroups } from '@/modules/decisions/approval-groups';
import { GrantEffects } from './grant-effects';
import { decidedAtCreation } from './grant-state';
import { GrantTransitions } from './grant-transitions';
import { GrantView, toGrantView } from './grant-view';
import type { GrantRecord, NewGrant } from './grant.types';
import type { GrantEventName } from './grant-events';
import type { PendingEffects } from './grant-effects';
import { GrantRequestRepository } from './grant-request.repository';
import { IdempotencyRepository } from './idempotency.repository';
import { CreateGrantDto } from './dto/create-grant.dto';
import { BoundRequest, bindRequester } from './requester-binding';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The provenance of a decision as audit events and errors carry it (PRODUCT.md sections 5 and 14). */
export const decisionData = (decision: Decision, durationSeconds: number) => ({
  duration_seconds: durationSeconds,
  policy_id: decision.policy?.id ?? null,
  determining_rule_ids: decision.determiningRuleIds,
  notices: decision.notices,
  policy_set_version: Number(decision.policySetVersion),
  evaluation_errors: evaluationErrorsView(decision.evaluationErrors),
});

/** The `403 access_denied` of a request or an extension the policies deny. */
export const accessDenied = (decision: Decision, details: Record<string, unknown> = {}) =>
  new DomainError(
    'access_denied',
    'Access denied by policy',
    { ...details, ...(decision.evaluationErrors.length > 0 && { evaluation_errors: evaluationErrorsView(decision.evaluationErrors) }) },
    decision.notices,
  );

/** POST /v1/grants: decide a request with the current policy set and store it with its events, at most once per Idempotency-Key. */
@Injectable()
export class GrantRequests {
  constructor(
    private readonly store: GrantRequestRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly engine: PolicyEngine,
    private readonly emailLists: EmailListsService,
    private readonly chainer: AuditChainer,
  ) {}

  async request(auth: AuthContext, dto: CreateGrantDto, idempotencyKey?: string): Promise<GrantView> {
    const bound = bindRequester(auth, dto.principal, dto.requester_email);
    // The principal a person's token leaves out is part of what the key replays: another person's identical body is not.
    const requestHash = createHash('sha256').update(canonicalJson({ ...dto, principal: bound.principal })).digest('hex');
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw invalidInput('Idempotency-Key must be 1 to 200 printable characters', { field: 'Idempotency-Key' });
      const prior = await this.idempotency.find(auth.tenantId, idempotencyKey);
      if (prior) return this.replay(prior, requestHash);
    }
    const stored = await withCurrentDecision(() => this.decideAndStore(auth, dto, bound, requestHash, idempotencyKey), (tenantId) => this.engine.invalidate(tenantId));
    if (stored.replayed) return this.replay(stored.replayed, requestHash);
    // The events were staged with the grant; answering after they are chained keeps "answered means audited".
    await this.chainer.chainCommitted(auth.tenantId, stored.staged);
    await this.effects.committed(stored.changes);
    if (stored.denied) throw stored.denied;
    return toGrantView(stored.changes[0].grant);
  }

  /**
   * One attempt: the decision, then one statement (GrantRequestRepository) that checks the decision was made on
   * the committed policy set (share lock on the tenant's counters) and stores the grant with its `grant.requested`
   * event and, when decided at once, its `grant.activated` or `grant.denied` event.
   */
  private async decideAndStore(auth: AuthContext, dto: CreateGrantDto, bound: BoundRequest, requestHash: string, idempotencyKey?: string) {
    const now = new Date();
    const { decision, durationSeconds } = await this.engine.decide(auth.tenantId, {
      principal: bound.principal,
      action: dto.action,
      resource: dto.resource,
      context: dto.context,
      durationSeconds: dto.duration_seconds,
      justification: dto.justification,
      requestedAt: now,
      identity: bound.identity,
    });
    const grant = await this.build(auth.tenantId, dto, bound, decision, durationSeconds, now);
    const denied = grant.status === 'denied' ? accessDenied(decision, { grant_id: grant.id }) : null;
    const record: GrantRecord = { ...grant, tenantId: auth.tenantId, approvals: [], extensions: [] };
    const response = denied ? { status: 403, body: denied.toBody() } : { status: 201, body: toGrantView(record) };
    const decided = decidedAtCreation(grant.status);
    const events: { event: GrantEventName; data: Record<string, unknown> }[] = [
      {
        event: 'grant.requested',
        data: {
          status: grant.status,
          principal: grant.principal,
          action: grant.action,
          resource: grant.resource,
          justification: grant.justification,
          requester_email: grant.requesterEmail,
          ...decisionData(decision, durationSeconds),
        },
      },
      ...(decided ? [{ event: decided, data: { from: 'requested', to: grant.status } }] : []),
    ];
    const { staged, outbox } = await this.transitions.firstEvents(auth.tenantId, record, keyActor(auth, grant.requesterEmail), events);
    const stored = await this.store.store(auth.tenantId, {
      grant,
      lockAccess: grant.status === 'active',
      policySetVersion: decision.policySetVersion,
      idempotency: idempotencyKey === undefined ? null : { key: idempotencyKey, response: { requestHash, ...response } },
      events: staged,
      outbox,
    });
    if (stored.outcome === 'stale') throw new StalePolicySet(auth.tenantId);
    if (stored.outcome === 'key_taken') {
      const winner = await this.idempotency.find(auth.tenantId, idempotencyKey ?? '');
      if (!winner) throw conflict('A request with this Idempotency-Key is in flight');
      return { replayed: winner, changes: [], staged: [], denied: null };
    }
    const changes: PendingEffects[] = outbox.map((row, i) => ({ id: row.id, grant: stored.grant, event: events[i].event, auditEventId: row.auditEventId }));
    return { replayed: null, changes, staged, denied };
  }

  private async build(tenantId: string, dto: CreateGrantDto, bound: BoundRequest, decision: Decision, durationSeconds: number, now: Date): Promise<NewGrant> {
    const policy = decision.policy;
    const base = {
      id: randomUUID(),
      principal: bound.principal,
      action: dto.action,
      resource: dto.resource,
      durationSeconds,
      justification: dto.justification ?? null,
      requesterEmail: bound.requesterEmail,
      identity: bound.identity,
      context: dto.context ?? {},
      policyId: policy?.id ?? null,
      determiningRuleIds: decision.determiningRuleIds,
      notices: decision.notices,
      auditSession: decision.auditSession,
      policySetVersion: decision.policySetVersion,
      approvalGroups: [] as GrantApprovalGroup[],
      maxDurationSeconds: policy?.maxDurationSeconds ?? null,
      approvalDeadline: null,
      createdAt: now,
      activatedAt: null,
      expiresAt: null,
      endedAt: null,
      endedReason: null,
    };
    if (decision.decision === 'deny' || !policy) return { ...base, status: 'denied', endedAt: now, endedReason: 'denied by policy' };
    if (policy.approvalRequired) {
      return {
        ...base,
        status: 'pending_approval',
        approvalGroups: await this.approvalGroupsFor(tenantId, policy, { requesterEmail: base.requesterEmail, principalId: bound.principal.id }),
        approvalDeadline: new Date(now.getTime() + policy.approvalTimeoutSeconds * 1000),
      };
    }
    return { ...base, status: 'active', activatedAt: now, expiresAt: new Date(now.getTime() + durationSeconds * 1000) };
  }

  /**
   * The governing policy's groups with list members resolved now (later list edits do not change who approves this
   * request). A group this requester leaves unsatisfiable is `400 invalid_input`, before anything is stored.
   */
  async approvalGroupsFor(tenantId: string, policy: GoverningPolicy, requester: { requesterEmail: string | null; principalId: string }): Promise<GrantApprovalGroup[]> {
    const lists = await this.emailLists.membersOf(tenantId, policy.approvalGroups.map((g) => g.email_list_uuid).filter((id): id is string => id !== null));
    const groups = snapshotGroups(policy.approvalGroups, lists);
    const [first, ...rest] = unsatisfiableGroups(groups, requester);
    if (first) {
      throw invalidInput(
        `approval_groups[${first.index}] of policy "${policy.name}" cannot be satisfied: it needs ${first.approvalsNeeded} approvals and has ${first.eligibleApprovers} eligible approvers other than the requester`,
        {
          field: 'approval_groups',
          policy_id: policy.id,
          groups: [first, ...rest].map((g) => ({ index: g.index, approvals_needed: g.approvalsNeeded, eligible_approvers: g.eligibleApprovers })),
        },
      );
    }
    return groups;
  }

  private replay(prior: { requestHash: string; status: number; body: unknown }, requestHash: string): GrantView {
    if (prior.requestHash !== requestHash) {
      throw conflict('This Idempotency-Key was used for a different request', { field: 'Idempotency-Key' });
    }
    if (prior.status === 201) return prior.body as GrantView;
    const body = prior.body as ErrorBody;
    throw new DomainError(body.code, body.message, body.details, body.notices);
  }
}
