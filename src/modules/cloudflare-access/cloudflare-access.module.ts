import { DynamicModule, Module } from '@nestjs/common';
import { EmailListsModule } from '@/modules/email-lists/email-lists.module';
import { AccessAppsController } from './access-apps.controller';
import { AccessAppsService } from './access-apps.service';
import { AccessCompiler } from './access-compiler';
import { AccessGroupsController } from './access-groups.controller';
import { AccessGroupsRepository } from './access-groups.repository';
import { AccessGroupsService } from './access-groups.service';
import { AccessPolicyWriter } from './access-policy-writer';
import { AccessSchemaCheck } from './access-schema-check';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { AppPoliciesController } from './app-policies.controller';
import { AppPoliciesService } from './app-policies.service';
import { IpListItemsService } from './ip-list-items.service';
import { IpListOperationsRepository } from './ip-list-operations.repository';
import { IpListsController } from './ip-lists.controller';
import { IpListsRepository } from './ip-lists.repository';
import { IpListsService } from './ip-lists.service';
import { IpListItemsRepository } from './ip-list-items.repository';
import { ReusablePoliciesController } from './reusable-policies.controller';
import { ReusablePoliciesService } from './reusable-policies.service';

/** The Cloudflare Access API under /client/v4 (PRODUCT.md section 15). */
@Module({})
export class CloudflareAccessModule {
  /** `grants`: the application's GrantsModule instance (deleting a policy ends its pending requests). */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: CloudflareAccessModule,
      imports: [grants, EmailListsModule],
      controllers: [AccessGroupsController, AccessAppsController, AppPoliciesController, ReusablePoliciesController, IpListsController],
      providers: [
        AccessGroupsRepository,
        AccessAppsRepository,
        AccessPoliciesRepository,
        AccessAppPoliciesRepository,
        AccessCompiler,
        AccessPolicyWriter,
        AccessSchemaCheck,
        AccessGroupsService,
        AccessAppsService,
        AppPoliciesService,
        ReusablePoliciesService,
        IpListsRepository,
        IpListItemsRepository,
        IpListOperationsRepository,
        IpListsService,
        IpListItemsService,
      ],
    };
  }
}
