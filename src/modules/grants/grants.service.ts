import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { buildContext, checkJustification, effectiveDuration } from '@/modules/decisions/request-rules';
import { PolicyEngine } from '@/modules/decisions/policy-engine';
import type { Decision, GoverningPolicy } from '@/modules/decisions/decision.types';
import type { AuthContext } from '@/common/auth/roles';
import { conflict, DomainError, ErrorBody, invalidInput, notFound } from '@/common/errors/domain-error';
import { decodeCursor, Page, pageSize, toPage } from '@/common/http/pagination';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { canonicalJson } from '@/modules/audit/audit-chain';
import { keyActor } from '@/modules/audit/actors';
import { EmailListsRepository } from '@/modules/email-lists/email-lists.repository';
import { GrantEffects } from './grant-effects';
import { creationEvent } from './grant-state';
import { GrantTransitions } from './grant-transitions';
import { GrantApprovalGroup, GrantRecord, GrantView, NewGrant, toGrantView } from './grant.types';
import { GrantsRepository } from './grants.repository';
import { IdempotencyRepository } from './idempotency.repository';
import { CreateGrantDto } from './dto/create-grant.dto';
import { ExtendGrantDto, RevokeGrantDto } from './dto/grant-actions.dto';
import { ListGrantsQuery } from './dto/list-grants.dto';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@Injectable()
export class GrantsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly audit: AuditRepository,
    private readonly engine: PolicyEngine,
    private readonly emailLists: EmailListsRepository,
  ) {}

  async request(auth: AuthContext, dto: CreateGrantDto, idempotencyKey?: string): Promise<GrantView> {
    const requestHash = createHash('sha256').update(canonicalJson(dto)).digest('hex');
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw invalidInput('Idempotency-Key must be 1 to 200 printable characters', { field: 'Idempotency-Key' });
      const prior = await this.idempotency.find(auth.tenantId, idempotencyKey);
      if (prior) return this.replay(prior, requestHash);
    }
    const now = new Date();
    const { decision, durationSeconds } = await this.decide(auth.tenantId, dto, now);
    const grant = await this.build(auth.tenantId, dto, decision, durationSeconds, now);
    const denied = grant.status === 'denied';
    const view = toGrantView({ ...grant, tenantId: auth.tenantId, approvals: [] });
    const error = new DomainError('access_denied', 'Access denied by policy', { grant_id: grant.id }, decision.notices);
    const response = denied ? { status: 403, body: error.toBody() } : { status: 201, body: view };
    const stored = await this.prisma.$transaction(async (tx) => {
      if (idempotencyKey !== undefined && !(await this.idempotency.save(tx, auth.tenantId, idempotencyKey, { requestHash, ...response }))) {
        return null;
      }
      const created = await this.grants.create(tx, auth.tenantId, grant);
      const provenance = {
        status: created.status,
        principal: created.principal,
        action: created.action,
        resource: created.resource,
        duration_seconds: created.durationSeconds,
        justification: created.justification,
        requester_email: created.requesterEmail,
        policy_id: created.policyId,
        determining_rule_ids: created.determiningRuleIds,
        notices: created.notices,
        policy_set_version: Number(decision.policySetVersion),
      };
      await this.audit.append(tx, auth.tenantId, { actor: keyActor(auth), action: 'grant.requested', targetType: 'grant', targetId: created.id, data: provenance });
      return this.effects.record(tx, auth.tenantId, [{ grant: created, event: creationEvent(created.status) }]);
    });
    if (!stored) {
      const winner = await this.idempotency.find(auth.tenantId, idempotencyKey as string);
      if (!winner) throw conflict('A request with this Idempotency-Key is in flight');
      return this.replay(winner, requestHash);
    }
    await this.effects.committed(stored);
    if (denied) throw error;
    return toGrantView(stored[0].grant);
  }

  async get(tenantId: string, id: string) {
    const grant = await this.grants.find(tenantId, id);
    if (!grant) throw notFound('Grant');
    return { ...toGrantView(grant), events: await this.grants.timeline(tenantId, id) };
  }

  async list(tenantId: string, query: ListGrantsQuery): Promise<Page<GrantView>> {
    const limit = pageSize(query);
    const date = (value?: string) => (value === undefined ? undefined : new Date(value));
    const rows = await this.grants.list(
      tenantId,
      {
        principalType: query.principal_type,
        principalId: query.principal_id,
        actionId: query.action_id,
        resourceType: query.resource_type,
        resourceId: query.resource_id,
        status: query.status,
        policyId: query.policy_id,
        createdAfter: date(query.created_after),
        createdBefore: date(query.created_before),
        expiresAfter: date(query.expires_after),
        expiresBefore: date(query.expires_before),
      },
      limit + 1,
      decodeCursor(query.cursor),
    );
    return toPage(rows, limit, toGrantView);
  }

  async cancel(auth: AuthContext, id: string): Promise<GrantView> {
    const now = new Date();
    const grant = await this.transitions.apply(auth.tenantId, id, {
      event: 'cancel',
      actor: keyActor(auth),
      patch: { endedAt: now, endedReason: 'cancelled by requester' },
    });
    return toGrantView(grant);
  }

  async revoke(auth: AuthContext, id: string, dto: RevokeGrantDto): Promise<GrantView> {
    const reason = dto.reason ?? 'revoked';
    const grant = await this.transitions.apply(auth.tenantId, id, {
      event: 'revoke',
      actor: keyActor(auth),
      patch: { endedAt: new Date(), endedReason: reason },
      data: { reason },
    });
    return toGrantView(grant);
  }

  async extend(auth: AuthContext, id: string, dto: ExtendGrantDto): Promise<GrantView> {
    const current = await this.grants.find(auth.tenantId, id);
    if (!current) throw notFound('Grant');
    if (current.status !== 'active' || !current.expiresAt) {
      return this.transitions.apply(auth.tenantId, id, { event: 'extend', actor: keyActor(auth), patch: {} }).then(toGrantView);
    }
    const maximum = await this.maximumFor(current);
    const total = current.durationSeconds + dto.duration_seconds;
    if (total > maximum) {
      throw invalidInput(`The total duration would exceed the policy maximum of ${maximum}`, {
        field: 'duration_seconds',
        max_duration_seconds: maximum,
        remaining_seconds: Math.max(0, maximum - current.durationSeconds),
      });
    }
    const expiresAt = new Date(current.expiresAt.getTime() + dto.duration_seconds * 1000);
    const grant = await this.transitions.apply(auth.tenantId, id, {
      event: 'extend',
      actor: keyActor(auth),
      patch: { durationSeconds: total, expiresAt },
      expect: { expiresAt: current.expiresAt },
      data: { added_seconds: dto.duration_seconds, expires_at: expiresAt.toISOString() },
    });
    return toGrantView(grant);
  }

  private async maximumFor(grant: GrantRecord): Promise<number> {
    const current = grant.policyId ? await this.grants.policyMaximum(grant.tenantId, grant.policyId) : null;
    const limits = [grant.maxDurationSeconds, current].filter((n): n is number => n !== null);
    return limits.length ? Math.min(...limits) : grant.durationSeconds;
  }

  /**
   * Evaluates the request. Without a requested duration the policy's default applies, which is only known after a
   * first evaluation: the request is then evaluated again with that duration, and the second answer stands.
   */
  private async decide(tenantId: string, dto: CreateGrantDto, now: Date): Promise<{ decision: Decision; durationSeconds: number }> {
    const evaluate = (duration: number) =>
      this.engine.evaluate(tenantId, {
        principal: dto.principal,
        action: dto.action,
        resource: dto.resource,
        context: buildContext(dto.context, duration, dto.justification, now),
      });
    let decision = await evaluate(dto.duration_seconds ?? 0);
    if (decision.decision === 'allow' && decision.policy && dto.duration_seconds === undefined) {
      decision = await evaluate(effectiveDuration(undefined, decision.policy));
    }
    if (decision.decision === 'deny' || !decision.policy) return { decision, durationSeconds: dto.duration_seconds ?? 0 };
    const durationSeconds = effectiveDuration(dto.duration_seconds, decision.policy);
    checkJustification(dto.justification, decision.policy);
    return { decision, durationSeconds };
  }

  private async build(tenantId: string, dto: CreateGrantDto, decision: Decision, durationSeconds: number, now: Date): Promise<NewGrant> {
    const policy = decision.policy;
    const base = {
      id: randomUUID(),
      principal: dto.principal,
      action: dto.action,
      resource: dto.resource,
      durationSeconds,
      justification: dto.justification ?? null,
      requesterEmail: dto.requester_email?.toLowerCase() ?? null,
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
        approvalGroups: await this.snapshotGroups(tenantId, policy),
        approvalDeadline: new Date(now.getTime() + policy.approvalTimeoutSeconds * 1000),
      };
    }
    return { ...base, status: 'active', activatedAt: now, expiresAt: new Date(now.getTime() + durationSeconds * 1000) };
  }

  /** Members are fixed when the request is made, so later list edits cannot change who approves it. */
  private async snapshotGroups(tenantId: string, policy: GoverningPolicy): Promise<GrantApprovalGroup[]> {
    const listIds = policy.approvalGroups.map((g) => g.email_list_uuid).filter((id): id is string => id !== null);
    const lists = listIds.length ? await this.emailLists.emailsOf(tenantId, listIds) : new Map<string, string[]>();
    return policy.approvalGroups.map((group) => ({
      approvals_needed: group.approvals_needed,
      members: [...new Set([...group.email_addresses, ...(group.email_list_uuid ? lists.get(group.email_list_uuid) ?? [] : [])].map((e) => e.toLowerCase()))],
    }));
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
