import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@/common/auth/roles';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  /** Prometheus text format; aggregates only, no tenant data. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics() {
    return (await this.service.render()).body;
  }
}
