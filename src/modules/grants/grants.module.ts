import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { EmailListsModule } from '@/modules/email-lists/email-lists.module';
import { GrantActivation } from './grant-activation';
import { GrantApprovalsRepository } from './grant-approvals.repository';
import { GrantEffects } from './grant-effects';
import { GrantEffectsRepository } from './grant-effects.repository';
import { ExpiryPass } from './expiry-pass';
import { GrantExpiry } from './grant-expiry';
import { GrantExtensionsRepository } from './grant-extensions.repository';
import { GrantExtensions } from './grant-extensions.service';
import { GrantJobs, GRANTS_QUEUE } from './grant-jobs';
import { GrantLifecycle } from './grant-lifecycle.service';
import { GrantQueries } from './grant-queries.service';
import { GrantReads } from './grant-reads';
import { GrantRequestRepository } from './grant-request.repository';
import { GrantRequests } from './grant-requests.service';
import { GrantTransitions } from './grant-transitions';
import { GrantsController } from './grants.controller';
import { MeController } from './me.controller';
import { GrantsProcessor } from './grants.processor';
import { GrantsRepository } from './grants.repository';
import { IdempotencyRepository } from './idempotency.repository';

@Module({})
export class GrantsModule {
  /** `worker`: this process consumes the grants queue (expiry, timeouts, sweep). */
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: GrantsModule,
      imports: [BullModule.registerQueue({ name: GRANTS_QUEUE }), EmailListsModule],
      controllers: [GrantsController, MeController],
      providers: [
        GrantsRepository,
        GrantExtensionsRepository,
        GrantApprovalsRepository,
        IdempotencyRepository,
        GrantJobs,
        GrantEffectsRepository,
        GrantEffects,
        GrantTransitions,
        GrantRequestRepository,
        GrantRequests,
        GrantQueries,
        GrantReads,
        GrantLifecycle,
        GrantExtensions,
        GrantActivation,
        GrantExpiry,
        ExpiryPass,
        ...(options.worker ? [GrantsProcessor] : []),
      ],
      exports: [GrantTransitions, GrantEffects, GrantReads, GrantsRepository, GrantApprovalsRepository, GrantExpiry, GrantLifecycle, GrantExtensions, GrantActivation],
    };
  }
}
