import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';

/** Notification building blocks; the grant-event wiring and the queue processor plug in here. */
@Module({
  providers: [DeliveryRepository, DeliveryService],
  exports: [DeliveryRepository, DeliveryService],
})
export class NotificationsModule {}
