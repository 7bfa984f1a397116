import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { NotificationHandlers } from './notification-handlers';
import { NotificationJob, NOTIFICATIONS_QUEUE } from './notification-jobs';

/**
 * Runs only in worker processes. Concurrency stays at 4: each send holds a pooled connection (deliverOnce's row
 * lock) plus one for reading, and the Prisma pool has 10.
 */
@Processor(NOTIFICATIONS_QUEUE, { concurrency: 4 })
@Injectable()
export class NotificationsProcessor extends WorkerHost {
  constructor(private readonly handlers: NotificationHandlers) {
    super();
  }

  async process(job: Job<NotificationJob>): Promise<void> {
    await this.handlers.handle(job.data);
  }
}
