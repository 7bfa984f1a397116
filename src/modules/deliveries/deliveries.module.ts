import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryReconciler } from './delivery-reconciler';

/** The deliveries API, and in worker processes the reconciler that re-enqueues notifications Redis lost. */
@Module({})
export class DeliveriesModule {
  /** `notifications`: the application's NotificationsModule instance (its DeliveryRepository and NotificationJobs). */
  static register(notifications: DynamicModule, options: { worker: boolean }): DynamicModule {
    return {
      module: DeliveriesModule,
      imports: [notifications, BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE })],
      controllers: [DeliveriesController],
      providers: [DeliveryQueue, DeliveriesService, ...(options.worker ? [DeliveryReconciler] : [])],
    };
  }
}
