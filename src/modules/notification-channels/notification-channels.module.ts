import { Module } from '@nestjs/common';
import { NotificationChannelsController } from './notification-channels.controller';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationChannelsService } from './notification-channels.service';

@Module({
  controllers: [NotificationChannelsController],
  providers: [NotificationChannelsRepository, NotificationChannelsService],
  exports: [NotificationChannelsService],
})
export class NotificationChannelsModule {}
