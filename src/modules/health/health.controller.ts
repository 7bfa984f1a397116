import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@/common/auth/roles';
import { ApiErrors } from '@/common/http/api-doc';
import { LiveResponse, ReadyResponse } from './dto/health.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly service: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer and no shutdown is under way' })
  @ApiErrors(503)
  ready(): Promise<ReadyResponse> {
    return this.service.ready();
  }
}
