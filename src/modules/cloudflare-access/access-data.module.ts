import { Global, Module } from '@nestjs/common';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { AccessReads } from './access-reads';
import { AccessGroupsRepository } from './access-groups.repository';
import { AccessListChanges } from './access-list-changes';
import { IpListItemsRepository } from './ip-list-items.repository';

/**
 * The Cloudflare Access feature's read model for the decision engine, and its hook for email-list changes (no
 * controllers, no imports: no cycles).
 */
@Global()
@Module({
  providers: [AccessAppsRepository, AccessPoliciesRepository, AccessAppPoliciesRepository, AccessGroupsRepository, AccessReads, AccessListChanges, IpListItemsRepository],
  exports: [AccessReads, AccessListChanges],
})
export class AccessDataModule {}
