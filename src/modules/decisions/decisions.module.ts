import { Global, Module } from '@nestjs/common';
import { PolicyEngine } from './policy-engine';
import { PolicySetChanges } from './policy-set-changes';
import { PolicySetRepository } from './policy-set.repository';

/**
 * The decision engine (tiers, request rules, governing policy) and the transaction wrapper for changes to what
 * decisions use, for every module that decides or changes policies.
 */
@Global()
@Module({
  providers: [PolicyEngine, PolicySetRepository, PolicySetChanges],
  exports: [PolicyEngine, PolicySetChanges],
})
export class DecisionsModule {}
