import { Global, Module } from '@nestjs/common';
import { PolicyEngine } from './policy-engine';
import { PolicySetChanges } from './policy-set-changes';
import { PolicySetRepository } from './policy-set.repository';
import { PolicyVersionRepository } from './policy-version.repository';

/** The decision engine (tiers, request rules, governing policy) and the policy-set version, for every module that decides or changes what decisions use. */
@Global()
@Module({
  providers: [PolicyEngine, PolicySetRepository, PolicyVersionRepository, PolicySetChanges],
  exports: [PolicyEngine, PolicyVersionRepository, PolicySetChanges],
})
export class DecisionsModule {}
