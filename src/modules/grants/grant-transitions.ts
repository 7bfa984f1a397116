import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { invalidState, notFound } from '@/common/errors/domain-error';
import { toStage } from '@/modules/audit/audit-pending.repository';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor, StagedEvent } from '@/modules/audit/audit-chain';
import { TenantStateRepository } from '@/modules/tenant-state/tenant-state.repository';
import { GrantEffects, PendingEffects } from './grant-effects';
import { endsGrant, GrantEventName } from './grant-events';
import { outboxRows, PendingEffectRow } from './grant-effects.repository';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { eventName, GrantTransition, isTerminal, nextStatus } from './grant-state';
import { toGrantView } from './grant-view';
import type { GrantRecord } from './grant.types';
import { AccessTriple, LiveGrant, tripleKey } from './access-triple';
import { GrantsRepository, TransitionPatch } from './grants.repository';

export interface TransitionRequest {
  event: GrantTransition;
  actor: Actor;
  patch: TransitionPatch;
  data?: Record<string, unknown>;
  expect?: { expiresAt?: Date; dueBefore?: Date };
}

/** Transitions that start or end access: they hold the triple's access lock (see GrantsRepository.lockAccess). */
const CHANGES_ACCESS: readonly GrantTransition[] = ['approve', 'expire', 'revoke'];

/** `access_remains` as events carry it: the live grant still covering the triple, or null. */
export const accessRemainsView = (live: LiveGrant | undefined) => (live ? { grant_id: live.id, expires_at: live.expiresAt.toISOString() } : null);

/**
 * The audit data of a grant event (PRODUCT.md section 14): what the caller adds, the grant as it is at the event,
 * and for events that end a grant, the live grant that still covers the same triple. Webhook bodies are built
 * from it, so a late delivery still shows the grant as it was.
 */
export function grantEventData(event: GrantEventName, grant: GrantRecord, data: Record<string, unknown>, live?: Map<string, LiveGrant>): Record<string, unknown> {
  return { ...data, grant: toGrantView(grant), ...(endsGrant(event) && { access_remains: accessRemainsView(live?.get(tripleKey(grant))) }) };
}

/**
 * Every grant status change goes through here: compare-and-set, audit event and outbox row in one transaction.
 * A revoke of an active grant also bumps the tenant's revocation counter (the change feed's way of telling every
 * process within the propagation bound), and a grant that ends takes its pending extension with it.
 */
@Injectable()
export class GrantTransitions {
  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly extensions: GrantExtensionsRepository,
    private readonly state: TenantStateRepository,
    private readonly audit: AuditRepository,
    private readonly effects: GrantEffects,
  ) {}

  /** Null when the compare-and-set matched nothing (already moved, or not due). */
  async tryApply(tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord | null> {
    const change = await this.prisma.$transaction((tx) => this.applyInTx(tx, tenantId, id, request));
    if (!change) return null;
    await this.effects.committed([change]);
    return change.grant;
  }

  /**
   * The transition inside the caller's transaction (approvals record the decision and activate together). Takes
   * the triple's access lock first when the transition starts or ends access: callers that lock rows before must
   * have taken it themselves. After commit the caller must hand the result to `GrantEffects.committed`.
   */
  async applyInTx(tx: Tx, tenantId: string, id: string, request: TransitionRequest): Promise<PendingEffects | null> {
    const triple = await this.grants.tripleOf(tx, tenantId, id);
    if (!triple) return null;
    if (CHANGES_ACCESS.includes(request.event)) await this.grants.lockAccess(tx, tenantId, [triple]);
    const current = await this.grants.lockStatus(tx, tenantId, id);
    if (!current) return null;
    const to = nextStatus(current.status, request.event);
    if (!to) return null;
    const now = new Date();
    const patch: TransitionPatch = { ...request.patch };
    if (request.event === 'revoke' && current.status === 'active') patch.revokeSeq = await this.state.bumpGrantRevocations(tx, tenantId);
    if (isTerminal(to)) await this.extensions.cancelPendingOf(tx, tenantId, [id], now, `the grant was ${to.replace('_', ' ')}`);
    const updated = await this.grants.transition(tx, tenantId, id, request.event, to, patch, request.expect);
    if (!updated) return null;
    return this.recordEvent(tx, tenantId, updated, eventName(request.event), request.actor, { from: current.status, to, ...request.data }, triple, now);
  }

  /**
   * Appends the event of a change already written (its audit event with the grant snapshot) and its outbox row.
   * Callers that end grants hold their access locks.
   */
  async recordEvent(tx: Tx, tenantId: string, grant: GrantRecord, event: GrantEventName, actor: Actor, data: Record<string, unknown>, triple: AccessTriple = grant, now = new Date()): Promise<PendingEffects> {
    return this.record(tx, tenantId, grant, event, actor, data, triple, now);
  }

  /**
   * A new grant's first events (requested, then activated or denied at once) and their outbox rows, to be written
   * with the grant (GrantRequestRepository): the events are staged, not chained, so the caller must hand them to
   * AuditChainer.chainCommitted once written (group commit, audit-chainer.ts).
   */
  async firstEvents(tenantId: string, grant: GrantRecord, actor: Actor, events: { event: GrantEventName; data: Record<string, unknown> }[]): Promise<{ staged: StagedEvent[]; outbox: PendingEffectRow[] }> {
    const live = events.some(({ event }) => endsGrant(event)) ? await this.grants.liveFor(this.prisma, tenantId, [grant], new Date()) : undefined;
    const staged = toStage(events.map(({ event, data }) => ({ actor, action: event, targetType: 'grant', targetId: grant.id, data: grantEventData(event, grant, data, live) })));
    const outbox = outboxRows(events.map(({ event }, i) => ({ tenantId, grantId: grant.id, event, auditEventId: staged[i].id })));
    return { staged, outbox };
  }

  private async record(tx: Tx, tenantId: string, grant: GrantRecord, event: GrantEventName, actor: Actor, data: Record<string, unknown>, triple: AccessTriple, now: Date): Promise<PendingEffects> {
    const live = endsGrant(event) ? await this.grants.liveFor(tx, tenantId, [triple], now) : undefined;
    const input = { actor, action: event, targetType: 'grant', targetId: grant.id, data: grantEventData(event, grant, data, live) };
    const audited = await this.audit.append(tx, tenantId, input);
    const [change] = await this.effects.record(tx, [{ grant, event, auditEventId: audited.id }]);
    return change;
  }

  /**
   * Like tryApply, but a lost race is `409 invalid_state` and an unknown grant `404`. A transition the grant's
   * current status already rules out is refused without a transaction (it would only queue on the grant's locks).
   */
  async apply(tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord> {
    const seen = await this.grants.findStatus(tenantId, id);
    if (!seen) throw notFound('Grant');
    if (!nextStatus(seen.status, request.event)) throw invalidState(`The grant is ${seen.status}: ${request.event.replace('_', ' ')} is not possible`, { status: seen.status });
    const grant = await this.tryApply(tenantId, id, request);
    if (grant) return grant;
    const current = await this.grants.find(tenantId, id);
    if (!current) throw notFound('Grant');
    throw invalidState(`The grant is ${current.status}: ${request.event.replace('_', ' ')} is not possible`, { status: current.status });
  }
}
