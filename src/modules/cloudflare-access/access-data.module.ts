import { Global, Module } from '@nestjs/common';
import { AccessAppPoliciesRepository } from './access-app-policies.repository';
import { AccessAppsRepository } from './access-apps.repository';
import { AccessPoliciesRepository } from './access-policies.repository';
import { AccessReads } from './access-reads';

/** The Cloudflare Access feature's read model for the decision engine (no controllers, no imports: no cycles). */
@Global()
@Module({
  providers: [AccessAppsRepository, AccessPoliciesRepository, AccessAppPoliciesRepository, AccessReads],
  exports: [AccessReads],
})
export class AccessDataModule {}
