import { DynamicModule, Module } from '@nestjs/common';
import { CedarSchemaRepository } from '@/modules/cedar-schema/cedar-schema.repository';
import { EmailListsRepository } from '@/modules/email-lists/email-lists.repository';
import { EntitiesRepository } from '@/modules/entities/entities.repository';
import { NotificationChannelsRepository } from '@/modules/notification-channels/notification-channels.repository';
import { PoliciesRepository } from '@/modules/policies/policies.repository';
import { BundleState } from './bundle-state';
import { BundleWriter } from './bundle-writer';
import { PolicyBundlesController } from './policy-bundles.controller';
import { PolicyBundlesService } from './policy-bundles.service';

/**
 * Policy bundles (PRODUCT.md section 17). A bundle replaces several features' objects in one transaction, so this
 * module writes through their repositories (stateless, one per table) instead of their services, whose methods
 * each open their own transaction.
 */
@Module({})
export class PolicyBundlesModule {
  /** `grants`: the application's own GrantsModule instance (revokes and denials go through its transitions). */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: PolicyBundlesModule,
      imports: [grants],
      controllers: [PolicyBundlesController],
      providers: [PoliciesRepository, EmailListsRepository, NotificationChannelsRepository, EntitiesRepository, CedarSchemaRepository, BundleState, BundleWriter, PolicyBundlesService],
    };
  }
}
