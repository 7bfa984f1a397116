import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { invalidState, notFound } from '@/common/errors/domain-error';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { eventName, GrantEvent, nextStatus } from './grant-state';
import type { GrantRecord } from './grant.types';
import { GrantEffects, PendingEffects } from './grant-effects';
import { GrantsRepository, TransitionPatch } from './grants.repository';

export interface TransitionRequest {
  event: GrantEvent;
  actor: Actor;
  patch: TransitionPatch;
  data?: Record<string, unknown>;
  expect?: { expiresAt?: Date; dueBefore?: Date };
}

/** Every grant status change goes through here: compare-and-set, audit event and outbox row in one transaction. */
@Injectable()
export class GrantTransitions {
  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
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
   * The transition inside the caller's transaction (approvals record the decision and activate together).
   * After commit the caller must hand the result to `GrantEffects.committed`.
   */
  async applyInTx(tx: Tx, tenantId: string, id: string, request: TransitionRequest): Promise<PendingEffects | null> {
    const current = await this.grants.lockStatus(tx, tenantId, id);
    if (!current) return null;
    const to = nextStatus(current.status, request.event);
    if (!to) return null;
    const updated = await this.grants.transition(tx, tenantId, id, request.event, to, request.patch, request.expect);
    if (!updated) return null;
    const event = eventName(request.event);
    await this.audit.append(tx, tenantId, {
      actor: request.actor,
      action: event,
      targetType: 'grant',
      targetId: id,
      data: { from: current.status, to, ...request.data },
    });
    const [change] = await this.effects.record(tx, tenantId, [{ grant: updated, event }]);
    return change;
  }

  /** Like tryApply, but a lost race is `409 invalid_state` and an unknown grant `404`. */
  async apply(tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord> {
    const grant = await this.tryApply(tenantId, id, request);
    if (grant) return grant;
    const current = await this.grants.find(tenantId, id);
    if (!current) throw notFound('Grant');
    throw invalidState(`The grant is ${current.status}: ${request.event.replace('_', ' ')} is not possible`, { status: current.status });
  }
}
