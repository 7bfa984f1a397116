import { Global, Module } from '@nestjs/common';
import { PoliciesRepository } from './policies.repository';
import { PolicyReads } from './policy-reads';

/** The policies feature's read model for the rest of the application (no controllers, no imports: no cycles). */
@Global()
@Module({
  providers: [PoliciesRepository, PolicyReads],
  exports: [PolicyReads],
})
export class PolicyDataModule {}
