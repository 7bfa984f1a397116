import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { GrantExpiry } from './grant-expiry';
import { GrantJobData, GrantJobs, GRANTS_QUEUE } from './grant-jobs';

/** Runs only in worker processes (PROCESS_ROLE worker or all). */
@Processor(GRANTS_QUEUE, { concurrency: 32 })
@Injectable()
export class GrantsProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GrantsProcessor');
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly expiry: GrantExpiry,
    private readonly jobs: GrantJobs,
  ) {
    super();
  }

  async process(job: Job<GrantJobData>, token?: string): Promise<void> {
    if (job.name === 'sweep') {
      await this.expiry.sweep();
      return;
    }
    const { tenantId, grantId } = job.data;
    const result = job.name === 'expire' ? await this.expiry.expire(tenantId, grantId) : await this.expiry.timeOut(tenantId, grantId);
    if (!result.done && token) {
      await job.moveToDelayed(result.retryAt.getTime(), token);
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
