import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from '@/infra/prisma/prisma.service';
import { InvalidationBus } from '@/infra/redis/invalidation-bus';
import { invalidState, notFound } from '@/common/errors/domain-error';
import { AuditRepository } from '@/modules/audit/audit.repository';
import type { Actor } from '@/modules/audit/audit-chain';
import { eventName, GrantEvent, nextStatus } from './grant-state';
import type { GrantRecord } from './grant.types';
import { GrantJobs } from './grant-jobs';
import { GrantsRepository, TransitionPatch } from './grants.repository';

export const GRANT_TOPIC = 'grant';

export type GrantListener = (grant: GrantRecord, event: string) => Promise<void> | void;

export interface TransitionRequest {
  event: GrantEvent;
  actor: Actor;
  patch: TransitionPatch;
  data?: Record<string, unknown>;
  expect?: { expiresAt?: Date; dueBefore?: Date };
}

/** Every grant status change goes through here: compare-and-set, audit event in the same transaction, then effects. */
@Injectable()
export class GrantTransitions {
  private readonly listeners: GrantListener[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly audit: AuditRepository,
    private readonly jobs: GrantJobs,
    private readonly bus: InvalidationBus,
  ) {}

  /** Notifications subscribe here; listeners run after commit and must not throw for delivery problems. */
  onTransition(listener: GrantListener): void {
    this.listeners.push(listener);
  }

  /** Null when the compare-and-set matched nothing (already moved, or not due). */
  async tryApply(tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord | null> {
    const grant = await this.prisma.$transaction((tx) => this.applyInTx(tx, tenantId, id, request));
    if (grant) await this.committed(grant, eventName(request.event));
    return grant;
  }

  /**
   * The transition inside the caller's transaction (approvals record the decision and activate together).
   * After commit the caller must call `committed(grant, eventName(event))`.
   */
  async applyInTx(tx: Tx, tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord | null> {
    const current = await this.grants.lockStatus(tx, tenantId, id);
    if (!current) return null;
    const to = nextStatus(current.status, request.event);
    if (!to) return null;
    const updated = await this.grants.transition(tx, tenantId, id, request.event, to, request.patch, request.expect);
    if (!updated) return null;
    await this.audit.append(tx, tenantId, {
      actor: request.actor,
      action: eventName(request.event),
      targetType: 'grant',
      targetId: id,
      data: { from: current.status, to, ...request.data },
    });
    return updated;
  }

  /** Like tryApply, but a lost race is `409 invalid_state` and an unknown grant `404`. */
  async apply(tenantId: string, id: string, request: TransitionRequest): Promise<GrantRecord> {
    const grant = await this.tryApply(tenantId, id, request);
    if (grant) return grant;
    const current = await this.grants.find(tenantId, id);
    if (!current) throw notFound('Grant');
    throw invalidState(`The grant is ${current.status}: ${request.event.replace('_', ' ')} is not possible`, { status: current.status });
  }

  /** Effects of a committed change: caches first (no stale allow), then jobs, then listeners. */
  async committed(grant: GrantRecord, event: string): Promise<void> {
    await this.bus.publish({
      topic: GRANT_TOPIC,
      tenantId: grant.tenantId,
      id: grant.id,
      data: {
        principal: grant.principal,
        action: grant.action,
        resource: grant.resource,
        status: grant.status,
        expires_at: grant.expiresAt?.toISOString() ?? null,
        audit_session: grant.auditSession,
      },
    });
    if (grant.status === 'active' && grant.expiresAt) await this.jobs.scheduleExpiry(grant.tenantId, grant.id, grant.expiresAt);
    else if (grant.status === 'pending_approval' && grant.approvalDeadline) {
      await this.jobs.scheduleTimeout(grant.tenantId, grant.id, grant.approvalDeadline);
    } else if (grant.status !== 'expired' && grant.status !== 'timed_out') {
      // An expiry or timeout is ended by its own (running) job: there is nothing left to remove.
      await this.jobs.cancel(grant.id);
    }
    for (const listener of this.listeners) await listener(grant, event);
  }
}
