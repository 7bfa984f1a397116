import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { EmailListsModule } from '@/modules/email-lists/email-lists.module';
import { GrantEffects } from './grant-effects';
import { GrantEffectsRepository } from './grant-effects.repository';
import { GrantExpiry } from './grant-expiry';
import { GrantJobs, GRANTS_QUEUE } from './grant-jobs';
import { GrantTransitions } from './grant-transitions';
import { GrantsController } from './grants.controller';
import { GrantsProcessor } from './grants.processor';
import { GrantsRepository } from './grants.repository';
import { GrantsService } from './grants.service';
import { IdempotencyRepository } from './idempotency.repository';

@Module({})
export class GrantsModule {
  /** `worker`: this process consumes the grants queue (expiry, timeouts, sweep). */
  static register(options: { worker: boolean }): DynamicModule {
    return {
      module: GrantsModule,
      imports: [BullModule.registerQueue({ name: GRANTS_QUEUE }), EmailListsModule],
      controllers: [GrantsController],
      providers: [
        GrantsRepository,
        IdempotencyRepository,
        GrantJobs,
        GrantEffectsRepository,
        GrantEffects,
        GrantTransitions,
        GrantExpiry,
        GrantsService,
        ...(options.worker ? [GrantsProcessor] : []),
      ],
      exports: [GrantsService, GrantTransitions, GrantEffects, GrantsRepository, GrantExpiry],
    };
  }
}
