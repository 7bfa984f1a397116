import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@/config/config.module';
import { ConcurrencyLimit } from '@/common/async/concurrency-limit';
import { KeyedCoalescer } from '@/common/async/keyed-coalescer';
import { RecentSet } from '@/common/async/recent-set';
import type { AppConfig } from '@/config/config';
import { systemActor } from '@/modules/audit/actors';
import { ExpiryPass, PassResult } from './expiry-pass';
import { GrantEffects } from './grant-effects';
import { GrantExtensions } from './grant-extensions.service';
import { GrantTransitions } from './grant-transitions';
import { GrantsRepository } from './grants.repository';
import { IdempotencyRepository } from './idempotency.repository';

const SWEEP_BATCH = 500;
const EXPIRY_BATCH = 500;
const RECHECK_MS = 1000;
/** Tenants handed to passes of their own after a pass across tenants, at most, per pass (the next pass or the sweep takes the rest). */
const BEHIND_TENANTS = 100;
/** Tenants' own passes run at once in the background (catchUp), at most. */
const CATCH_UP_AT_ONCE = 4;

export type DueResult = { done: true } | { done: false; retryAt: Date };

/** Ends grants whose time has come. Safe to run in many workers at once: each end is a compare-and-set. */
@Injectable()
export class GrantExpiry implements OnApplicationShutdown {
  private readonly logger = new Logger('GrantExpiry');
  private readonly passes = new KeyedCoalescer((tenantId) => this.pass(tenantId, new Date()));
  /** Passes across tenants: one in flight in this process, shared by the bucket jobs that arrive meanwhile. */
  private readonly passesAcross = new KeyedCoalescer(() => this.passAcross());
  /** Tenants whose own pass is queued or running (catchUp), each with whether it was asked for again meanwhile. */
  private readonly catchingUp = new Map<string, boolean>();
  private readonly catchUpSlots = new ConcurrencyLimit(CATCH_UP_AT_ONCE);
  private stopped = false;
  /** Grants this process ended lately: their own jobs, arriving after the pass that ended them, need no query. */
  private readonly recentlyEnded = new RecentSet(60_000, 50_000);

  constructor(
    private readonly grants: GrantsRepository,
    private readonly expiryPass: ExpiryPass,
    private readonly extensionsService: GrantExtensions,
    private readonly transitions: GrantTransitions,
    private readonly effects: GrantEffects,
    private readonly idempotency: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Handles the expiry job of the bucket ending at `dueAt` (ms since the epoch, see expiryBucket): passes across
   * all tenants that never wait for a lock (ExpiryPass.across), then, in the background, a pass of their own, which
   * waits, for each tenant that still has a grant due (held by another transaction, or with a pending extension).
   */
  async expireBucket(dueAt: number): Promise<DueResult> {
    if (Date.now() < dueAt) return { done: false, retryAt: new Date(dueAt) };
    const { behind } = await this.passesAcross.run('');
    for (const tenantId of behind) this.catchUp(tenantId);
    return { done: true };
  }

  /**
   * A pass of the tenant's own, in the background and a few at a time (each holds a pooled connection while it
   * waits for a lock): a bucket job that waited for it would hold a worker slot for as long as another transaction
   * holds the tenant's head, and every tenant's jobs would queue behind. While grants stay due (held rows, or a pass
   * that failed on lock_timeout) it looks again RECHECK_MS later; one per tenant at a time.
   */
  private catchUp(tenantId: string): void {
    if (this.stopped) return;
    // Asked while its pass is queued or running: that pass may have started before these grants fell due.
    if (this.catchingUp.has(tenantId)) {
      this.catchingUp.set(tenantId, true);
      return;
    }
    this.catchingUp.set(tenantId, false);
    void this.catchUpSlots
      .run(() => this.passes.run(tenantId))
      .then(
        (pass) => pass.complete,
        (error: unknown) => {
          this.logger.warn({ err: error, tenantId }, 'an expiry pass failed; looking again shortly');
          return false;
        },
      )
      .then((complete) => {
        const askedAgain = this.catchingUp.get(tenantId) === true;
        this.catchingUp.delete(tenantId);
        if (askedAgain) this.catchUp(tenantId);
        else if (!complete) setTimeout(() => void this.lookAgain(tenantId), RECHECK_MS).unref();
      });
  }

  private async lookAgain(tenantId: string): Promise<void> {
    if (await this.grants.hasDue(tenantId, new Date()).catch(() => true)) this.catchUp(tenantId);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /**
   * Batches across tenants until none is left (batches), then the tenants that still have a grant due at the
   * start (at most BEHIND_TENANTS), read once for every job that shares the pass: each job's bucket ended before it.
   */
  private async passAcross(): Promise<{ ended: number; behind: string[] }> {
    const startedAt = new Date();
    const { ended } = await this.batches(() => this.expiryPass.across(new Date(), EXPIRY_BATCH), true);
    return { ended, behind: await this.grants.tenantsWithDue(startedAt, BEHIND_TENANTS) };
  }

  /**
   * Handles a tenant's expiry job for `dueAt` (ms; jobs enqueued before bucket jobs spanned tenants): a pass over
   * its due grants that started after the job did (shared with the tenant's other jobs, see KeyedCoalescer). A due
   * grant the pass skipped because another transaction held its row is looked at again shortly.
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

  /** Ends the tenant's grants due at `now` (batches of EXPIRY_BATCH, each a transaction: ExpiryPass.forTenant). */
  async expireDue(tenantId: string, now = new Date()): Promise<number> {
    return (await this.pass(tenantId, now)).ended;
  }

  /** `complete`: every grant due at `now` was ended (none skipped as held, no batch left over). */
  private pass(tenantId: string, now: Date): Promise<{ ended: number; complete: boolean }> {
    return this.batches(() => this.expiryPass.forTenant(tenantId, now, EXPIRY_BATCH));
  }

  /**
   * Runs `batch` until one is not full. A tenant's pass also stops at rows it skipped as held (they would come
   * first again: left to the job's second look); a pass across tenants goes on while it ends some, and leaves what
   * it skipped to the tenants' own passes.
   */
  private async batches(batch: () => Promise<PassResult>, across = false): Promise<{ ended: number; complete: boolean }> {
    let total = 0;
    for (let round = 0; round < 100; round += 1) {
      const { ended, skipped, full } = await batch();
      for (const change of ended) this.recentlyEnded.add(change.grant.id);
      await this.effects.committed(ended);
      total += ended.length;
      if (across ? ended.length === 0 : skipped > 0) return { ended: total, complete: skipped === 0 && !full };
      if (!full) return { ended: total, complete: skipped === 0 };
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
    // Most of what is overdue ends in passes across tenants; what they leave (held rows) in each tenant's own.
    let ended = (await this.passesAcross.run('')).ended;
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
