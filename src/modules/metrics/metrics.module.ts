import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GRANTS_QUEUE } from '@/modules/grants/grant-jobs';
import { NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics.registry';
import { MetricsService } from './metrics.service';

@Module({})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  static register(grants: DynamicModule): DynamicModule {
    return {
      module: MetricsModule,
      imports: [grants, BullModule.registerQueue({ name: GRANTS_QUEUE }, { name: NOTIFICATIONS_QUEUE })],
      controllers: [MetricsController],
      providers: [MetricsService],
    };
  }

  /** Times every request by its route pattern (not its URL, which would hold ids and tokens). */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (request, reply, done) => {
      this.metrics.httpDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
