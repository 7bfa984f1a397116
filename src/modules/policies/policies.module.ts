import { Module } from '@nestjs/common';
import { CedarSchemaModule } from '@/modules/cedar-schema/cedar-schema.module';
import { EmailListsModule } from '@/modules/email-lists/email-lists.module';
import { NotificationChannelsModule } from '@/modules/notification-channels/notification-channels.module';
import { PoliciesController } from './policies.controller';
import { PoliciesRepository } from './policies.repository';
import { PoliciesService } from './policies.service';
import { PolicyChecks } from './policy-checks';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';
import { SimulateController } from './simulate.controller';
import { SimulateService } from './simulate.service';

@Module({
  imports: [CedarSchemaModule, EmailListsModule, NotificationChannelsModule],
  controllers: [SimulateController, PoliciesController, RulesController],
  providers: [PoliciesRepository, PoliciesService, PolicyChecks, RulesService, SimulateService],
})
export class PoliciesModule {}
