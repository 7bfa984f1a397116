import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { systemActor } from '@/modules/audit/actors';
import { GrantTransitions } from './grant-transitions';
import { GrantsRepository } from './grants.repository';
import { IdempotencyRepository } from './idempotency.repository';

const SWEEP_BATCH = 500;

export type DueResult = { done: true } | { done: false; retryAt: Date };

/** Ends grants whose time has come. Safe to run in many workers at once: each end is a compare-and-set. */
@Injectable()
export class GrantExpiry {
  private readonly logger = new Logger('GrantExpiry');

  constructor(
    private readonly grants: GrantsRepository,
    private readonly transitions: GrantTransitions,
    private readonly idempotency: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Expires the grant if it is still active and due; tells when to come back when it was extended meanwhile. */
  async expire(tenantId: string, grantId: string, now = new Date()): Promise<DueResult> {
    const ended = await this.transitions.tryApply(tenantId, grantId, {
      event: 'expire',
      actor: systemActor,
      patch: { endedAt: now, endedReason: 'expired' },
      expect: { dueBefore: now },
    });
    if (ended) return { done: true };
    const grant = await this.grants.find(tenantId, grantId);
    if (grant?.status === 'active' && grant.expiresAt && grant.expiresAt > now) return { done: false, retryAt: grant.expiresAt };
    return { done: true };
  }

  async timeOut(tenantId: string, grantId: string, now = new Date()): Promise<DueResult> {
    const grant = await this.grants.find(tenantId, grantId);
    if (!grant || grant.status !== 'pending_approval' || !grant.approvalDeadline) return { done: true };
    if (grant.approvalDeadline > now) return { done: false, retryAt: grant.approvalDeadline };
    await this.transitions.tryApply(tenantId, grantId, {
      event: 'time_out',
      actor: systemActor,
      patch: { endedAt: now, endedReason: 'approval timed out' },
      expect: { dueBefore: now },
    });
    return { done: true };
  }

  /** Ends everything overdue, whatever happened to the delayed jobs. Returns how many grants it ended. */
  async sweep(now = new Date()): Promise<number> {
    let ended = 0;
    for (let round = 0; round < 100; round += 1) {
      const due = await this.grants.findOverdue(now, SWEEP_BATCH);
      if (due.length === 0) break;
      for (const item of due) {
        if (item.kind === 'expire') await this.expire(item.tenantId, item.id, now);
        else await this.timeOut(item.tenantId, item.id, now);
      }
      ended += due.length;
      if (due.length < SWEEP_BATCH) break;
    }
    await this.idempotency.purgeExpired();
    if (ended > 0) this.logger.log({ ended }, 'sweep ended overdue grants');
    return ended;
  }

  get intervalSeconds(): number {
    return this.config.sweepIntervalSeconds;
  }
}
