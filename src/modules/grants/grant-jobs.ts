import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { RedisStatus, RedisUnavailableError } from '@/infra/redis/redis-status';

export const GRANTS_QUEUE = 'grants';

export interface GrantJobData {
  tenantId: string;
  grantId: string;
}

/** Ends whatever is due at `dueAt` (ms since the epoch, the end of a bucket, see expiryBucket). */
export interface DueBucketData {
  dueAt: number;
}

/** Ends whatever of the tenant is due at `dueAt` (jobs enqueued by versions before bucket jobs spanned tenants). */
export interface TenantDueData {
  tenantId: string;
  dueAt: number;
}

/** The grants queue's jobs, by name: one map, and exactly one handler each (JobRegistry checks it at start). */
export interface GrantQueueJobs {
  /** End every tenant's grants due by then: one job per EXPIRY_BUCKET_MS, whatever the number of grants and tenants. */
  expire_bucket: DueBucketData;
  /** End the tenant's grants due by then (still honoured). */
  expire_due: TenantDueData;
  /** End one grant at its expires_at (jobs enqueued by versions before expire_due; still honoured). */
  expire: GrantJobData;
  /** End the request at its approval deadline. */
  time_out: GrantJobData;
  /** The repeatable sweep: end what is overdue, replay the outbox. */
  sweep: Record<string, never>;
}
export const GRANT_JOB_NAMES = ['expire_bucket', 'expire_due', 'expire', 'time_out', 'sweep'] as const satisfies readonly (keyof GrantQueueJobs)[];

/**
 * Expiries are grouped into buckets of this many ms across tenants: a grant ends at most this much after its
 * expires_at plus the pass itself, and 100,000 grants due in a minute are 600 jobs and about as many transactions.
 */
export const EXPIRY_BUCKET_MS = 100;

/** The end of the bucket `at` falls in (ms since the epoch). */
export const expiryBucket = (at: Date): number => Math.ceil(at.getTime() / EXPIRY_BUCKET_MS) * EXPIRY_BUCKET_MS;
export const bucketJobId = (dueAt: number): string => `due-${dueAt}`;
const legacyExpireJobId = (grantId: string): string => `grant:${grantId}:expire`;
export const timeoutJobId = (grantId: string): string => `grant:${grantId}:timeout`;

/** A bucket job due sooner than this (ms) is added again rather than trusted to be there (it may be running). */
const REMEMBER_MARGIN_MS = 2000;
/** Bucket jobs remembered at most (past ones are dropped first; beyond it, all). */
const REMEMBERED_MAX = 100_000;

const RETRY: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: false,
};

/**
 * Delayed jobs that end grants on time. They carry ids only and the database stays the truth: a job that is lost
 * only delays the end until the next sweep, so scheduling failures are logged, not raised.
 */
@Injectable()
export class GrantJobs {
  private readonly logger = new Logger('GrantJobs');
  /** Bucket jobs this process added (dueAt → RedisStatus.connection() then): each is added once, not per grant. */
  private readonly buckets = new Map<number, number>();

  constructor(
    @InjectQueue(GRANTS_QUEUE) private readonly queue: Queue<GrantQueueJobs[keyof GrantQueueJobs]>,
    private readonly redis: RedisStatus,
  ) {}

  /**
   * The job of the bucket `at` falls in (the tenant is for the log). Idempotent: grants of any tenant due in the same
   * bucket share one job (a job id that exists is not added again), and a job left behind by an extension or a
   * revoke finds nothing due and ends. A bucket this process added on the current Redis connection, due more than
   * REMEMBER_MARGIN_MS from now, is not sent again: a server that lost it (restarted) closed that connection, and
   * one flushed under a live connection lost every job alike, which the sweep then catches up.
   */
  async scheduleExpiry(tenantId: string, at: Date): Promise<boolean> {
    const dueAt = expiryBucket(at);
    const connection = this.redis.connection();
    if (this.buckets.get(dueAt) === connection && dueAt - Date.now() > REMEMBER_MARGIN_MS) return true;
    try {
      await this.redis.bounded(() => this.queue.add('expire_bucket', { dueAt }, { ...RETRY, removeOnFail: true, jobId: bucketJobId(dueAt), delay: Math.max(0, dueAt - Date.now()) }));
      this.remember(dueAt, connection);
      return true;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) this.logger.error({ err: error, tenantId, dueAt }, 'could not schedule an expiry job; the sweep will catch up');
      return false;
    }
  }

  private remember(dueAt: number, connection: number): void {
    if (this.buckets.size >= REMEMBERED_MAX) {
      const now = Date.now();
      for (const due of this.buckets.keys()) if (due <= now) this.buckets.delete(due);
      if (this.buckets.size >= REMEMBERED_MAX) this.buckets.clear();
    }
    this.buckets.set(dueAt, connection);
  }

  scheduleTimeout(tenantId: string, grantId: string, at: Date): Promise<boolean> {
    return this.replace('time_out', timeoutJobId(grantId), { tenantId, grantId }, at);
  }

  async cancel(grantId: string): Promise<void> {
    await Promise.all([this.remove(legacyExpireJobId(grantId)), this.remove(timeoutJobId(grantId))]);
  }

  /** Idempotent: (re)creates the repeatable sweep, which a flushed Redis would have lost. */
  async ensureSweep(intervalSeconds: number): Promise<void> {
    try {
      await this.redis.bounded(() =>
        this.queue.upsertJobScheduler('sweep', { every: intervalSeconds * 1000 }, { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 100 } }),
      );
    } catch (error) {
      // During an outage the next interval tries again; the outage itself is logged once by RedisStatus.
      if (!(error instanceof RedisUnavailableError)) throw error;
    }
  }

  /** False when the job could not be scheduled (logged): the sweep ends the grant anyway, and replays the change. */
  private async replace(name: 'time_out', jobId: string, data: GrantJobData, at: Date): Promise<boolean> {
    try {
      await this.remove(jobId);
      await this.redis.bounded(() => this.queue.add(name, data, { ...RETRY, jobId, delay: Math.max(0, at.getTime() - Date.now()) }));
      return true;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) this.logger.error({ err: error, jobId }, 'could not schedule a grant job; the sweep will catch up');
      return false;
    }
  }

  private async remove(jobId: string): Promise<void> {
    // A job that is running right now cannot be removed; it re-reads the grant and reschedules itself if needed.
    await this.redis.bounded(() => this.queue.remove(jobId)).catch(() => 0);
  }
}
