import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import { KeyedCoalescer } from '@/common/async/keyed-coalescer';
import { RecentSet } from '@/common/async/recent-set';
import type { AppConfig } from '@/config/config';
import { PrismaService } from '@/infra/prisma/prisma.service';
import { AuditRepository } from '@/modules/audit/audit.repository';
import { systemActor } from '@/modules/audit/actors';
import { toStage } from '@/modules/audit/audit-pending.repository';
import { GrantEffects } from './grant-effects';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { GrantExtensions } from './grant-extensions.service';
import { grantEventData, GrantTransitions } from './grant-transitions';
import { withPendingExtensionsEnded } from './grant.types';
import { GrantsRepository } from './grants.repository';
import { IdempotencyRepository } from './idempotency.repository';

const SWEEP_BATCH = 500;
const EXPIRY_BATCH = 500;
const RECHECK_MS = 1000;

export type DueResult = { done: true } | { done: false; retryAt: Date };

/** Ends grants whose time has come. Safe to run in many workers at once: each end is a compare-and-set. */
@Injectable()
export class GrantExpiry {
  private readonly logger = new Logger('GrantExpiry');
  private readonly passes = new KeyedCoalescer((tenantId) => this.pass(tenantId, new Date()));
  /** Grants this process ended lately: their own jobs, arriving after the pass that ended them, need no query. */
  private readonly recentlyEnded = new RecentSet(60_000, 50_000);

  constructor(
    private readonly prisma: PrismaService,
    private readonly grants: GrantsRepository,
    private readonly extensions: GrantExtensionsRepository,
    private readonly extensionsService: GrantExtensions,
    private readonly audit: AuditRepository,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly idempotency: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Handles a tenant's expiry job for `dueAt` (ms): a pass over its due grants that started after the job did
   * (shared with the tenant's other jobs, see KeyedCoalescer). A due grant the pass skipped because another
   * transaction held its row is looked at again shortly.
   */
  async expireTenant(tenantId: string, dueAt: number): Promise<DueResult> {
    // A job that runs early by this process's clock (another process scheduled it) waits for its time.
    if (Date.now() < dueAt) return { done: false, retryAt: new Date(dueAt) };
    const pass = await this.passes.run(tenantId);
    // Grants falling due after the pass started have jobs of their own; only rows it had to skip need a look.
    if (pass.complete || !(await this.grants.hasDue(tenantId, new Date()))) return { done: true };
    return { done: false, retryAt: new Date(Date.now() + RECHECK_MS) };
  }

  /**
   * Handles one grant's expiry job (jobs enqueued before tenant jobs existed). The jobs of a tenant that fall due
   * together share passes over all its due grants (one pass in flight per tenant in this process, see
   * KeyedCoalescer), so a job costs a query only when its grant was not ended by a pass: extended meanwhile, ended
   * elsewhere, or held by another transaction.
   */
  async expire(tenantId: string, grantId: string): Promise<DueResult> {
    if (this.recentlyEnded.has(grantId)) return { done: true };
    await this.passes.run(tenantId);
    if (this.recentlyEnded.has(grantId)) return { done: true };
    const grant = await this.grants.findStatus(tenantId, grantId);
    if (!grant || grant.status !== 'active' || !grant.expiresAt) return { done: true };
    if (grant.expiresAt.getTime() > Date.now()) return { done: false, retryAt: grant.expiresAt };
    // Due, yet the pass passed it over (SKIP LOCKED: another transaction held the row): look again shortly.
    return { done: false, retryAt: new Date(Date.now() + RECHECK_MS) };
  }

  /**
   * One transaction per batch: the grants, their pending extensions, and their `grant.expired` events (each with
   * the grant as it ended and `access_remains`) chained under one head lock.
   */
  async expireDue(tenantId: string, now = new Date()): Promise<number> {
    return (await this.pass(tenantId, now)).ended;
  }

  /** `complete`: every grant due at `now` was ended (none skipped as held, no batch left over). */
  private async pass(tenantId: string, now: Date): Promise<{ ended: number; complete: boolean }> {
    let total = 0;
    for (let round = 0; round < 100; round += 1) {
      let skipped = 0;
      const ended = await this.prisma.rawTransaction(async (tx) => {
        const due = await this.grants.expireDue(tx, tenantId, now, EXPIRY_BATCH);
        skipped = due.skipped;
        const expired = due.ended;
        if (expired.length === 0) return [];
        const extending = expired.filter((grant) => grant.extensions.some((e) => e.status === 'pending')).map((grant) => grant.id);
        if (extending.length > 0) await this.extensions.cancelPendingOf(tx, tenantId, extending, now, 'the grant expired');
        const grants = expired.map((grant) => withPendingExtensionsEnded(grant, 'cancelled', now, 'the grant expired'));
        const { live, head } = await this.grants.liveForLockingHead(tx, tenantId, grants, now);
        const events = toStage(
          grants.map((grant) => ({
            actor: systemActor,
            action: 'grant.expired',
            targetType: 'grant',
            targetId: grant.id,
            data: grantEventData('grant.expired', grant, { from: 'active', to: 'expired', expires_at: grant.expiresAt?.toISOString() ?? null }, live),
          })),
        );
        // The outbox rows go in with the events: one statement after the head lock's.
        const outbox = this.effects.plan(tenantId, grants.map((grant, i) => ({ grant, event: 'grant.expired' as const, auditEventId: events[i].id })));
        await this.audit.appendLocked(tx, tenantId, head ?? (await this.audit.lockHead(tx, tenantId)), events, outbox.sql);
        return outbox.effects;
      });
      for (const change of ended) this.recentlyEnded.add(change.grant.id);
      await this.effects.committed(ended);
      total += ended.length;
      // Held rows would come first again in the next batch: leave them to the job's second look.
      if (skipped > 0) return { ended: total, complete: false };
      if (ended.length < EXPIRY_BATCH) return { ended: total, complete: true };
    }
    return { ended: total, complete: false };
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

  /**
   * Ends everything overdue, whatever happened to the delayed jobs, and replays the effects of changes older than
   * one interval that never went out. Returns how many grants it ended.
   */
  async sweep(now = new Date()): Promise<number> {
    let ended = 0;
    for (let round = 0; round < 100; round += 1) {
      const due = await this.grants.findOverdue(now, SWEEP_BATCH);
      if (due.length === 0) break;
      for (const tenantId of new Set(due.filter((item) => item.kind === 'expire').map((item) => item.tenantId))) {
        await this.expireDue(tenantId, now);
      }
      for (const item of due) if (item.kind === 'time_out') await this.timeOut(item.tenantId, item.id, now);
      ended += due.length;
      if (due.length < SWEEP_BATCH) break;
    }
    await this.extensionsService.timeOutOverdue(now);
    await this.effects.replayStale(new Date(now.getTime() - this.config.sweepIntervalSeconds * 1000));
    await this.idempotency.purgeExpired();
    if (ended > 0) this.logger.log({ ended }, 'sweep ended overdue grants');
    return ended;
  }

  get intervalSeconds(): number {
    return this.config.sweepIntervalSeconds;
  }
}
