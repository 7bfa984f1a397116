import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@/common/auth/roles';
import { textContent } from '@/common/http/api-doc';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly service: MetricsService) {}

  /** Prometheus text format; aggregates only, no tenant data. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prometheus metrics: aggregates only, no tenant data' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent('text/plain; version=0.0.4; charset=utf-8') })
  async metrics(): Promise<string> {
    return (await this.service.render()).body;
  }
}
