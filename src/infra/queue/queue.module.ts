import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from '@/config/config.module';
import type { AppConfig } from '@/config/config';
import { QueueWatch } from './queue-watch';
import { JobRegistry } from './job-handlers';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: `${config.redisPrefix}:bull`,
      }),
    }),
  ],
  providers: [JobRegistry, QueueWatch],
  exports: [BullModule, JobRegistry],
})
export class QueueModule {}
