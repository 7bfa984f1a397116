import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobRegistry } from '@/infra/queue/job-handlers';
import { NotificationHandlers } from './notification-handlers';
import { DeliveryRepository } from './delivery.repository';
import { NOTIFICATION_JOB_NAMES, NotificationJob, notificationId, NotificationQueueJobs, NOTIFICATIONS_QUEUE } from './notification-jobs';

/**
 * Runs only in worker processes. Concurrency stays at 4: each send holds a pooled connection (deliverOnce's row
 * lock) plus one for reading, and the Prisma pool has 10.
 */
@Processor(NOTIFICATIONS_QUEUE, { concurrency: 4 })
@Injectable()
export class NotificationsProcessor extends WorkerHost {
  constructor(
    handlers: NotificationHandlers,
    private readonly registry: JobRegistry,
    private readonly deliveries: DeliveryRepository,
  ) {
    super();
    const handle = (data: NotificationQueueJobs[keyof NotificationQueueJobs]) => handlers.handle(data);
    registry.register<NotificationQueueJobs>(NOTIFICATIONS_QUEUE, NOTIFICATION_JOB_NAMES, {
      approver_link: handle,
      reminder: handle,
      requester: handle,
      expiring_soon: handle,
      channel_event: handle,
    });
  }

  /** A job that ran to the end owes nothing more: a delivery it did not send (no longer applied) is marked skipped. */
  async process(job: Job): Promise<void> {
    await this.registry.dispatch(NOTIFICATIONS_QUEUE, job);
    const data = job.data as NotificationJob;
    await this.deliveries.settle(data.tenantId, notificationId(data));
  }
}
