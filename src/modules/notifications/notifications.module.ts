import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalTokensService } from '@/modules/approvals/approval-tokens.service';
import { ApprovalTokensRepository } from '@/modules/approvals/approval-tokens.repository';
import { NotificationChannelsModule } from '@/modules/notification-channels/notification-channels.module';
import { ChannelSender } from './channel-sender';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { NotificationHandlers } from './notification-handlers';
import { NotificationJobs, NOTIFICATIONS_QUEUE } from './notification-jobs';
import { NotificationPlanner } from './notification-planner';
import { NotificationsProcessor } from './notifications.processor';

@Module({})
export class NotificationsModule {
  /**
   * `grants`: the application's own GrantsModule instance, whose transitions the planner listens to.
   * `worker`: this process sends (consumes the notifications queue); every process enqueues.
   * ApprovalTokensService is stateless (repository and config), so the worker gets its own instance rather than a
   * second ApprovalsModule, whose controllers would then be registered twice.
   */
  static register(grants: DynamicModule, options: { worker: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [grants, BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE }), NotificationChannelsModule],
      providers: [
        DeliveryRepository,
        DeliveryService,
        NotificationJobs,
        NotificationPlanner,
        ...(options.worker ? [ApprovalTokensRepository, ApprovalTokensService, ChannelSender, NotificationHandlers, NotificationsProcessor] : []),
      ],
      exports: [DeliveryRepository, DeliveryService, NotificationJobs],
    };
  }
}
