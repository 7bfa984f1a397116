import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { EdgeHooks } from '@/common/http/edge-hooks';
import { GRANTS_QUEUE } from '@/modules/grants/grant-jobs';
import { NOTIFICATIONS_QUEUE } from '@/modules/notifications/notification-jobs';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics.registry';
import { MetricsService } from './metrics.service';

@Module({})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly edge: EdgeHooks,
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

  /** Times every request by its route pattern (not its URL, which would hold ids and tokens), hot routes too. */
  onModuleInit(): void {
    this.edge.add({
      onResponse: (request, statusCode, elapsedMs) => {
        this.metrics.httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(statusCode) }, elapsedMs / 1000);
        return undefined;
      },
    });
  }
}
