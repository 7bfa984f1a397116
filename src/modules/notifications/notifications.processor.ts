import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DeliveryRepository } from './delivery.repository';
import { NotificationHandlers } from './notification-handlers';
import { NotificationJob, notificationId, NOTIFICATIONS_QUEUE } from './notification-jobs';

/**
 * Runs only in worker processes. Concurrency stays at 4: each send holds a pooled connection (deliverOnce's row
 * lock) plus one for reading, and the Prisma pool has 10.
 */
@Processor(NOTIFICATIONS_QUEUE, { concurrency: 4 })
@Injectable()
export class NotificationsProcessor extends WorkerHost {
  constructor(
    private readonly handlers: NotificationHandlers,
    private readonly deliveries: DeliveryRepository,
  ) {
    super();
  }

  /** A job that ran to the end owes nothing more: a delivery it did not send (no longer applied) is marked skipped. */
  async process(job: Job<NotificationJob>): Promise<void> {
    await this.handlers.handle(job.data);
    await this.deliveries.settle(job.data.tenantId, notificationId(job.data));
  }
}
