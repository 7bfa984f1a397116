import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Auth } from '@/common/auth/auth.decorator';
import { AuthContext, Roles } from '@/common/auth/roles';
import { NO_REQUEST_LOG } from '@/infra/logging/logger';
import { AccessService } from './access.service';
import { AccessQuery, CheckAccessPipe } from './check-access.pipe';
import { CheckAccessDto } from './dto/check-access.dto';

@ApiTags('access')
@ApiSecurity('api-key')
@ApiSecurity('tenant')
@Controller('v1/access')
export class AccessController {
  constructor(private readonly service: AccessService) {}

  /** Is this access granted right now? Served from memory. */
  @Post('check')
  @HttpCode(200)
  @RouteConfig(NO_REQUEST_LOG)
  @Roles('admin', 'requester', 'approver', 'auditor', 'checker')
  @ApiBody({ type: CheckAccessDto })
  check(@Auth() auth: AuthContext, @Body(CheckAccessPipe) query: AccessQuery) {
    return this.service.check(auth.tenantId, query);
  }
}
