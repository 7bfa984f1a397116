import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryRepository } from '@/modules/notifications/delivery.repository';
import { NotificationJobs, NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryReconciler } from './delivery-reconciler';

/** The deliveries API, and in worker processes the reconciler that re-enqueues notifications Redis lost. */
@Module({})
export class DeliveriesModule {
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: DeliveriesModule,
      imports: [BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE })],
      controllers: [DeliveriesController],
      providers: [DeliveryRepository, NotificationJobs, DeliveryQueue, DeliveriesService, ...(options.worker ? [DeliveryReconciler] : [])],
    };
  }
}
