import { DynamicModule, Module } from '@nestjs/common';
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

@Module({})
export class PoliciesModule {
  /** `grants`: the application's own GrantsModule instance (disabling or deleting a policy ends its pending requests). */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: PoliciesModule,
      imports: [grants, CedarSchemaModule, EmailListsModule, NotificationChannelsModule],
      controllers: [SimulateController, PoliciesController, RulesController],
      providers: [PoliciesRepository, PoliciesService, PolicyChecks, RulesService, SimulateService],
    };
  }
}
