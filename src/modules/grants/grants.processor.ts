import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { JobRegistry } from '@/infra/queue/job-handlers';
import { DueResult, GrantExpiry } from './grant-expiry';
import { GRANT_JOB_NAMES, GrantJobs, GrantQueueJobs, GRANTS_QUEUE } from './grant-jobs';

/** Runs only in worker processes (PROCESS_ROLE worker or all). */
@Processor(GRANTS_QUEUE, { concurrency: 32 })
@Injectable()
export class GrantsProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GrantsProcessor');
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly expiry: GrantExpiry,
    private readonly jobs: GrantJobs,
    private readonly registry: JobRegistry,
  ) {
    super();
    registry.register<GrantQueueJobs>(GRANTS_QUEUE, GRANT_JOB_NAMES, {
      expire_bucket: (data, job, token) => this.until(this.expiry.expireBucket(data.dueAt), job, token),
      expire_due: (data, job, token) => this.until(this.expiry.expireTenant(data.tenantId, data.dueAt), job, token),
      expire: (data, job, token) => this.until(this.expiry.expire(data.tenantId, data.grantId), job, token),
      time_out: (data, job, token) => this.until(this.expiry.timeOut(data.tenantId, data.grantId), job, token),
      sweep: async () => {
        await this.expiry.sweep();
      },
    });
  }

  process(job: Job, token?: string): Promise<void> {
    return this.registry.dispatch(GRANTS_QUEUE, job, token);
  }

  /** A job that is not due yet (or whose row was held) moves itself to when it is. */
  private async until(result: Promise<DueResult>, job: Job, token?: string): Promise<void> {
    const due = await result.catch((error: unknown) => {
      // Rethrown for BullMQ's retries; logged, since a job that fails for good is removed (removeOnFail).
      this.logger.warn({ err: error, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 }, 'a grant job failed; BullMQ retries it while attempts remain');
      throw error;
    });
    if (!due.done && token) {
      await job.moveToDelayed(due.retryAt.getTime(), token);
      throw new DelayedError();
    }
  }

  /** The sweep scheduler lives in Redis; re-assert it every interval so a flushed Redis gets it back. */
  async onApplicationBootstrap(): Promise<void> {
    const ensure = () => this.jobs.ensureSweep(this.expiry.intervalSeconds).catch((error: Error) => this.logger.error({ err: error }, 'could not ensure the sweep'));
    await ensure();
    await this.expiry.sweep().catch((error: Error) => this.logger.error({ err: error }, 'start-up sweep failed'));
    this.watchdog = setInterval(() => void ensure(), this.expiry.intervalSeconds * 1000);
    this.watchdog.unref();
  }

  onApplicationShutdown(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }
}
