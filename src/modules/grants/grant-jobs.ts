import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '@/infra/redis/redis.module';
import { RedisStatus, RedisUnavailableError } from '@/infra/redis/redis-status';
import { BucketMemo } from './bucket-memo';

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

/** How often a process that remembers bucket jobs checks that Redis still holds them (ms). */
const MEMO_CHECK_MS = 1000;
/** Its marker key outlives a process that stopped by this much (s). */
const MARKER_TTL_SECONDS = 60;

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
export class GrantJobs implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('GrantJobs');
  private readonly buckets = new BucketMemo();
  /** This process's key next to the queue's: gone means Redis lost the jobs (a FLUSHALL, the prefix deleted). */
  private readonly marker: string;
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectQueue(GRANTS_QUEUE) private readonly queue: Queue<GrantQueueJobs[keyof GrantQueueJobs]>,
    @Inject(REDIS) private readonly client: Redis,
    private readonly redis: RedisStatus,
  ) {
    this.marker = queue.toKey(`bucket-memo:${randomUUID()}`);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.checkMemo(), MEMO_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * The job of the bucket `at` falls in (the tenant is for the log). Idempotent: grants of any tenant due in the same
   * bucket share one job (a job id that exists is not added again), and a job left behind by an extension or a
   * revoke finds nothing due and ends. A bucket this process added on the current Redis connection (BucketMemo) is
   * not sent again; `checkMemo` puts them all back within a second when Redis lost them under that connection.
   */
  async scheduleExpiry(tenantId: string, at: Date): Promise<boolean> {
    const dueAt = expiryBucket(at);
    const connection = this.redis.connection();
    if (this.buckets.has(dueAt, connection)) return true;
    try {
      await this.addBucket(dueAt);
      this.buckets.remember(dueAt, connection);
      return true;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) this.logger.error({ err: error, tenantId, dueAt }, 'could not schedule an expiry job; the sweep will catch up');
      return false;
    }
  }

  /**
   * Sets this process's marker (with a TTL) and reads what it held: nothing means Redis lost what this process
   * added since the last check (or it is the first check), so every remembered bucket still to run is added again.
   * Never rejects: with Redis away there is nothing to check, and a restart closes the connection anyway.
   */
  async checkMemo(): Promise<void> {
    if (this.checking || this.buckets.size === 0) return;
    this.checking = true;
    try {
      const held = await this.redis.bounded(() => this.client.set(this.marker, '1', 'EX', MARKER_TTL_SECONDS, 'GET'));
      if (held === null) await Promise.all(this.buckets.pending().map((dueAt) => this.addBucket(dueAt)));
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) this.logger.warn({ err: error }, 'could not check the expiry jobs this process added; retrying');
    } finally {
      this.checking = false;
    }
  }

  private addBucket(dueAt: number): Promise<unknown> {
    return this.redis.bounded(() => this.queue.add('expire_bucket', { dueAt }, { ...RETRY, removeOnFail: true, jobId: bucketJobId(dueAt), delay: Math.max(0, dueAt - Date.now()) }));
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
